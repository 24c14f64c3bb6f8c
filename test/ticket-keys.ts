import { TokenService } from '../src/commands/accounts/token-service.js';
import { TicketCodes } from '../src/commands/tickets/ticket-codes.js';
import { memorySigningKeys } from './memory-signing-keys.js';

/** Ticket codes on a freshly generated key, for tests that do not need the key store. */
export const freshTicketCodes = async (): Promise<TicketCodes> => {
  const tokens = new TokenService(memorySigningKeys());
  return new TicketCodes(() => tokens.ticketKeys());
};
