import type { OutgoingMail } from './outbox.js';

/** Who a one-time token's mail goes to. */
interface Recipient {
  email: string;
  name: string;
}

export const verificationMail = (to: Recipient, token: string): OutgoingMail => ({
  kind: 'email-verification',
  to: to.email,
  subject: 'Confirm your email address for Rollcall',
  text: `Hello ${to.name},\n\nconfirm your email address with this code within 24 hours:\n\n${token}\n`,
  token,
});

export const passwordResetMail = (to: Recipient, token: string): OutgoingMail => ({
  kind: 'password-reset',
  to: to.email,
  subject: 'Reset your Rollcall password',
  text: `Hello ${to.name},\n\nset a new password with this code within an hour:\n\n${token}\n\nIf you did not ask for this, ignore this message.\n`,
  token,
});

/**
 * To an address's owner, in place of a verification code, when someone signs up with the
 * address: whoever signed up is answered as for a new address, so only the owner learns it is taken.
 */
export const signUpAttemptMail = (email: string): OutgoingMail => ({
  kind: 'sign-up-attempt',
  to: email,
  subject: 'Someone tried to sign up to Rollcall with your address',
  text:
    'Hello,\n\nsomeone just tried to create a Rollcall account with this email address, which has one already.\n\n' +
    'If it was you: log in instead, ask for a new verification code if you have not confirmed this address yet, ' +
    'or reset your password from the log-in page if you have forgotten it.\n' +
    'If it was not you, ignore this message: nothing about your account has changed.\n',
  token: '',
});
