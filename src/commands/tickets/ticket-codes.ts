import { type CryptoKey, type KeyObject, SignJWT } from 'jose';
import { type EdDsaKeyLookup, verifyEdDsaJwt } from '../../security/eddsa-jwt.js';
import type { TicketClaims } from '../../domain/check-in/business-logic.js';

const ISSUER = 'rollcall';
const AUDIENCE = 'rollcall-ticket';
/** Far above a real ticket (~300 characters); longer input is refused before any parsing. */
const MAX_CODE_LENGTH = 2_048;

/** A ticket's public id: the event and the registration it admits to. */
export const ticketIdOf = (eventId: string, registrationId: string): string => `${eventId}_${registrationId}`;

const UUID_TEXT = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TICKET_ID = new RegExp(`^(${UUID_TEXT})_(${UUID_TEXT})$`);

/** The two ids of a ticket id, or undefined for anything the API never hands out. */
export const parseTicketId = (ticketId: string): { eventId: string; registrationId: string } | undefined => {
  const match = TICKET_ID.exec(ticketId);
  return match ? { eventId: match[1]!, registrationId: match[2]! } : undefined;
};

export interface TicketKeys {
  signingKey: CryptoKey | KeyObject;
  kid: string;
  /** Resolves a ticket's `kid` to a public key; tickets signed with any other key are invalid. */
  verificationKeys: EdDsaKeyLookup;
}

/**
 * The code in a ticket's QR: a JWT signed with the ticket key (EdDSA), carrying the
 * ticket id, event, attendee and version. It holds no expiry: a ticket is valid until its
 * version is superseded or it is revoked, which the check-in decides from the event.
 */
export class TicketCodes {
  /** `keys` is asked on first use, so a process can start before its database answers. */
  constructor(private readonly keys: () => Promise<TicketKeys>) {}

  async sign(claims: TicketClaims): Promise<string> {
    const { kid, signingKey } = await this.keys();
    return new SignJWT({
      tid: ticketIdOf(claims.eventId, claims.registrationId),
      eid: claims.eventId,
      aid: claims.attendeeId,
      ver: claims.version,
    })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'rollcall-ticket+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .sign(signingKey);
  }

  /** The claims of a genuine ticket code, or undefined for anything malformed, tampered or signed by another key. */
  async read(code: unknown): Promise<TicketClaims | undefined> {
    if (typeof code !== 'string' || code.length > MAX_CODE_LENGTH) return undefined;
    try {
      // Only EdDSA is accepted: `alg: none` and HMAC tokens keyed with a public key are refused.
      const { payload } = await verifyEdDsaJwt(code, (await this.keys()).verificationKeys, { issuer: ISSUER, audience: AUDIENCE });
      const ids = typeof payload.tid === 'string' ? parseTicketId(payload.tid) : undefined;
      if (!ids || ids.eventId !== payload.eid || typeof payload.aid !== 'string') return undefined;
      if (typeof payload.ver !== 'number' || !Number.isInteger(payload.ver) || payload.ver < 1) return undefined;
      return { eventId: ids.eventId, registrationId: ids.registrationId, attendeeId: payload.aid, version: payload.ver };
    } catch {
      return undefined;
    }
  }
}
