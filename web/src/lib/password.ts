// The password rules, exactly as the server applies them (src/auth/password.cpp; the
// server is the authority and answers 422 naming `password`):
// - 8 to 128 characters (Unicode code points);
// - an uppercase letter (A–Z, or any Unicode uppercase letter), a digit 0–9, and a
//   symbol: any character that is not an ASCII letter or digit (so "!", a space, "é");
// - not a common password (data/common-passwords.txt, the list the server embeds),
//   also not behind ASCII digits and symbols added at either end ("Password1!").
// The browser checks only a short list of the most common ones: the full list (242 kB) is
// the server's to check, so sign-up and account pages do not download it.

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

// The most common passwords, checked as you type; the server checks the whole list.
const FALLBACK_COMMON = new Set([
  'password', 'qwerty', 'welcome', 'letmein', 'admin', 'iloveyou', 'monkey', 'dragon', 'football',
  'baseball', 'sunshine', 'princess', 'master', 'trustno1', 'passw0rd', 'p@ssw0rd', 'p@ssword',
  'abc123', 'qwerty123', 'changeme', 'superman', 'batman', 'michael', 'shadow', 'starwars',
]);

let commonList: Set<string> | null = null;

export function parseCommonPasswords(text: string): Set<string> {
  const set = new Set<string>();
  for (const line of text.split('\n')) {
    const w = line.trim();
    if (w && !w.startsWith('#')) set.add(w);
  }
  return set;
}

/** For tests: use this list instead of loading the file. */
export function setCommonPasswords(list: Set<string> | null) {
  commonList = list;
}

const isAsciiDecoration = (c: string) => c.charCodeAt(0) < 0x80 && !/[A-Za-z]/.test(c);
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

export function isCommonPassword(pw: string, list: Set<string> = commonList ?? FALLBACK_COMMON): boolean {
  const core = asciiLower(pw);
  if (list.has(core)) return true;
  let end = core.length;
  while (end > 0 && isAsciiDecoration(core[end - 1])) end--;
  let start = 0;
  while (start < core.length && isAsciiDecoration(core[start])) start++;
  const trimmedEnd = core.slice(0, end);
  const trimmedStart = core.slice(start);
  const trimmedBoth = start < end ? core.slice(start, end) : '';
  return [trimmedEnd, trimmedStart, trimmedBoth].some((c) => c !== '' && list.has(c));
}

export interface PasswordRule {
  id: 'length' | 'upper' | 'digit' | 'symbol' | 'common';
  label: string;
  ok: boolean;
}

export function passwordRules(pw: string): PasswordRule[] {
  const chars = [...pw];
  return [
    {
      id: 'length',
      label: `${PASSWORD_MIN} to ${PASSWORD_MAX} characters`,
      ok: chars.length >= PASSWORD_MIN && chars.length <= PASSWORD_MAX,
    },
    { id: 'upper', label: 'an uppercase letter', ok: chars.some((c) => /^\p{Lu}$/u.test(c)) },
    { id: 'digit', label: 'a number', ok: /[0-9]/.test(pw) },
    { id: 'symbol', label: 'a symbol (like ! ? # %)', ok: chars.some((c) => !/^[A-Za-z0-9]$/.test(c)) },
    { id: 'common', label: 'not a common password', ok: pw.length > 0 && !isCommonPassword(pw) },
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
