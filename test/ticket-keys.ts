import { createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { TicketCodes } from '../src/commands/tickets/ticket-codes.js';

/** Ticket codes on a freshly generated Ed25519 key, for tests that do not need the key store. */
export const freshTicketCodes = async (kid = 'test-ticket-key'): Promise<TicketCodes> => {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA' };
  const keys = { signingKey: privateKey, kid, verificationKeys: createLocalJWKSet({ keys: [jwk] }) };
  return new TicketCodes(async () => keys);
};
