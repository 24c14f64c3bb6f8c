import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/domain-error.js';
import { checkNewPassword } from './password-policy.js';

const ada = { email: 'ada.lovelace@example.org', name: 'Augusta Ada King' };

/** The refusal `checkNewPassword` throws for `password`, or undefined when it takes it. */
const refusalOf = (password: string, owner = ada, field?: string): DomainError | undefined => {
  try {
    checkNewPassword(password, owner, field);
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
};

describe('A new password', () => {
  it('is taken when it is long and nobody else uses it', () => {
    expect(refusalOf('correct horse battery')).toBeUndefined();
  });

  it.each([
    ['the email address', 'ada.lovelace@example.org'],
    ['the email address in capitals, with spaces around', ' ADA.LOVELACE@EXAMPLE.ORG '],
    ["the email address's part before the @", 'Ada.Lovelace'],
  ])('is refused when it is %s', (_case, password) => {
    expect(refusalOf(password)).toMatchObject({ code: 'VALIDATION', message: 'password must not be your email address, nor its part before the @' });
  });

  it('is refused when it is the name, whatever its case', () => {
    expect(refusalOf('augusta ada KING')).toMatchObject({ code: 'VALIDATION', message: 'password must not be your name' });
  });

  it.each([
    ['a common password', 'password123'],
    ['a common password in capitals', 'QWERTYUIOP'],
    ['a common password in full-width characters', 'ｐａｓｓｗｏｒｄ１２３'],
    ['the last of the 10,000', 'superpassword'],
  ])('is refused when it is %s', (_case, password) => {
    expect(refusalOf(password)).toMatchObject({
      code: 'VALIDATION',
      message: 'password is one of the most common passwords, which attackers try first: choose another',
    });
  });

  it('is refused in the words of the field that carried it, without repeating it', () => {
    const refusal = refusalOf('password123', ada, 'newPassword');
    expect(refusal?.message).toMatch(/^newPassword /);
    expect(refusal?.message).not.toContain('password123');
  });
});
