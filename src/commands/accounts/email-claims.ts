import { createHash } from 'node:crypto';
import { normaliseEmail } from '../../domain/account/credentials.js';
import { type EmailClaim, type EmailClaimEvent, emailClaimDecider } from '../../domain/account/email-claim.js';
import { foldStored } from '../../domain/decode.js';
import { emailClaimStream } from '../../domain/streams.js';
import type { EventStore } from '../../eventstore/event-store.js';
import { WrongExpectedRevisionError } from '../../eventstore/errors.js';
import type { MasterKey } from '../../security/master-key.js';
import { deterministicId } from '../deterministic-id.js';

/**
 * Where an address's claim is kept. Its stream is named by a keyed hash of the address (HMAC
 * under a key derived from the master key): a bare SHA-256 of an address is a lookup anyone
 * with a list of addresses can run against the log, or against the log after an erasure.
 *
 * Claims were once named by bare SHA-256. Such a stream is copied to its keyed name the first
 * time its address is looked at (the copy keeps each event's data and metadata, and ids
 * derived from the originals, so two processes copying at once write one copy), and only the
 * keyed stream is read and written after that.
 */
export class EmailClaims {
  constructor(
    private readonly store: EventStore,
    private readonly masterKey: MasterKey,
  ) {}

  /** The address's keyed hash: also what ids derived from the address are derived from. */
  keyOf(email: string): string {
    return this.masterKey.hmac('email-claim', normaliseEmail(email));
  }

  streamOf(email: string): string {
    return emailClaimStream(this.keyOf(email));
  }

  async claimOf(email: string): Promise<EmailClaim> {
    const stream = this.streamOf(email);
    let stored = await this.store.readStream(stream);
    if (stored.length === 0) stored = await this.adoptLegacy(email, stream);
    return foldStored<EmailClaim, EmailClaimEvent>(emailClaimDecider, stored);
  }

  /** The account an address leads to: that of its latest claim, which may have taken over a lapsed one. */
  async holderOf(email: string): Promise<string | undefined> {
    const claim = await this.claimOf(email);
    return claim.status === 'claimed' ? claim.accountId : undefined;
  }

  private async adoptLegacy(email: string, stream: string) {
    const legacy = await this.store.readStream(emailClaimStream(createHash('sha256').update(normaliseEmail(email)).digest('hex')));
    if (legacy.length === 0) return [];
    const copies = legacy.map(({ id, type, data, metadata }) => ({ id: deterministicId('keyed-email-claim', id), type, data, metadata }));
    try {
      await this.store.append(stream, copies, 'no_stream');
    } catch (error) {
      // Another process copied it (or claimed the address) first: theirs stands.
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
    return this.store.readStream(stream);
  }
}
