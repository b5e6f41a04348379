// The password rules are the server's (src/auth/password.cpp): it answers 422 naming
// `password` with what is wrong, and the forms show that message. The browser only shows
// the rules as a hint, from these limits and the text of `password.hint`.
import i18n from '@/i18n';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** The rules in one sentence, shown under every new-password field. */
export function passwordHint(): string {
  return i18n.t('password.hint', { min: PASSWORD_MIN, max: PASSWORD_MAX });
}
