import { readFileSync } from 'node:fs';
import { DomainError } from '../../domain/domain-error.js';

/**
 * What a new password must not be, beyond its length (`newPassword` at the edge): one that
 * attackers try first. OWASP ASVS 2.1.7 and NIST SP 800-63B ask for a check against the
 * passwords most often found in breaches, and against words the service knows about the
 * person: their address, its part before the @, their name. Length and this list are the whole
 * policy; no composition rules (a digit, a capital), which NIST advises against.
 *
 * Only the command side can judge it, for it needs the person's address (a reset names its
 * account by a token), and it runs before the password is hashed. Messages never repeat the
 * password, since errors are logged.
 */

/** Compared without case, and with compatibility forms folded (a full-width Ａ is an A), as people type them. */
const folded = (text: string): string => text.normalize('NFKC').toLowerCase().trim();

let common: ReadonlySet<string> | undefined;

/** common-passwords.txt (see common-passwords.LICENSE), read once, on the first new password. */
const commonPasswords = (): ReadonlySet<string> =>
  (common ??= new Set(readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8').split('\n').filter(Boolean).map(folded)));

/** Refuses `password` (VALIDATION) when it is too easy to guess for the person `owner` is; `field` names it in the message. */
export const checkNewPassword = (password: string, owner: { email: string; name: string }, field = 'password'): void => {
  const candidate = folded(password);
  const email = folded(owner.email);
  if (candidate === email || candidate === email.slice(0, email.lastIndexOf('@')))
    throw new DomainError('VALIDATION', `${field} must not be your email address, nor its part before the @`);
  if (candidate === folded(owner.name)) throw new DomainError('VALIDATION', `${field} must not be your name`);
  if (commonPasswords().has(candidate))
    throw new DomainError('VALIDATION', `${field} is one of the most common passwords, which attackers try first: choose another`);
};
