// The password rules, the same as the server's (the server is the authority and answers
// 422 naming `password`): 8 to 128 characters (Unicode code points), at least one
// uppercase letter A–Z, one digit 0–9 and one symbol (any character that is not an ASCII
// letter or digit), and not a common password.

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

// Common passwords that would otherwise pass the rules above (compared case-insensitively).
const COMMON = new Set(
  [
    'password1!', 'password1@', 'password1#', 'password123!', 'p@ssw0rd', 'p@ssw0rd1', 'p@ssword1',
    'p@ssword123', 'passw0rd!', 'password!1', 'password@1', 'password@123', 'qwerty123!', 'qwerty1!',
    'welcome1!', 'welcome123!', 'welcome@123', 'letmein1!', 'admin123!', 'admin@123', 'abc123!!',
    'abcd1234!', 'changeme1!', 'iloveyou1!', 'summer2024!', 'summer2025!', 'winter2024!',
    'winter2025!', 'spring2025!', 'autumn2025!', 'football1!', 'monkey123!', 'sunshine1!',
    'princess1!', 'dragon123!', 'master123!', 'trustno1!', 'test1234!', 'test@123', 'pass@123',
    'pass@1234', 'india@123', 'zaq12wsx!', '1qaz2wsx!', '1q2w3e4r!', 'qwerty@123', 'asdf1234!',
  ].map((p) => p.toLowerCase()),
);

export interface PasswordRule {
  id: 'length' | 'upper' | 'digit' | 'symbol' | 'common';
  label: string;
  ok: boolean;
}

export function passwordRules(pw: string): PasswordRule[] {
  const length = [...pw].length;
  return [
    {
      id: 'length',
      label: `${PASSWORD_MIN} to ${PASSWORD_MAX} characters`,
      ok: length >= PASSWORD_MIN && length <= PASSWORD_MAX,
    },
    { id: 'upper', label: 'an uppercase letter', ok: /[A-Z]/.test(pw) },
    { id: 'digit', label: 'a number', ok: /[0-9]/.test(pw) },
    { id: 'symbol', label: 'a symbol (like ! ? # %)', ok: /[^A-Za-z0-9]/.test(pw) },
    { id: 'common', label: 'not a common password', ok: pw.length > 0 && !COMMON.has(pw.toLowerCase()) },
  ];
}

/** The first broken rule as a sentence, or null when the password passes every rule. */
export function passwordProblem(pw: string): string | null {
  const broken = passwordRules(pw).find((r) => !r.ok);
  if (!broken) return null;
  if (broken.id === 'length') {
    return [...pw].length < PASSWORD_MIN
      ? `Use at least ${PASSWORD_MIN} characters.`
      : `Use at most ${PASSWORD_MAX} characters.`;
  }
  if (broken.id === 'common') return 'This password is too common; choose another.';
  return `Include ${broken.label}.`;
}
