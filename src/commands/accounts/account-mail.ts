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
