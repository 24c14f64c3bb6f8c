import { DomainError } from '../domain-error.js';
import { text } from '../values.js';

/**
 * What a person gives to sign up. The edge checks it so that bad input costs no password
 * hash; the deciders check it again, so that nothing else ever reaches an event.
 */

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** Trimmed and lower-cased, so that case or a stray space never makes a second account for one address. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export const emailAddress = (value: unknown, field = 'email'): string => {
  const address = normaliseEmail(text(value, field, { min: 3, max: 254 }));
  if (!EMAIL.test(address)) throw new DomainError('VALIDATION', `${field} must be an email address such as ada@example.org`);
  return address;
};

export const personName = (value: unknown, field = 'name'): string => text(value, field, { min: 1, max: 100 }).trim();

/**
 * Its length. Only its hash reaches a decider, so the command side checks the rest before
 * hashing it (`checkNewPassword`: not the person's address or name, not a common password).
 */
export const newPassword = (value: unknown, field = 'password'): string => text(value, field, { min: 10, max: 200 });
