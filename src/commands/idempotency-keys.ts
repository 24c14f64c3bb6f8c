import { randomUUID } from 'node:crypto';
import { DomainError } from '../domain/domain-error.js';
import { commandKeyStream } from '../domain/streams.js';
import { WrongExpectedRevisionError } from '../eventstore/errors.js';
import type { EventStore } from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';
import type { CommandContext } from './command-handler.js';

const MAX_REMEMBERED = 10_000;

export const keyReused = (): DomainError =>
  new DomainError('IDEMPOTENCY_KEY_REUSED', 'This commandId was used for another request: send a new commandId for a new request');

/**
 * Binds a command id the client chose to its request, whichever stream the request goes to:
 * like Stripe's idempotency keys, the same key with another operation or other arguments is
 * refused even on another event. The first request appends the binding with `no_stream`, so
 * of two racing requests one binds and the other is compared with it. The binding's event id
 * is random on purpose: a deterministic one would make the loser's append a silent no-op.
 */
export class IdempotencyKeys {
  /** Keys known bound, with their request and the binding's position: most resends and multi-stream commands skip the read. */
  private readonly bound = new Map<string, { requestHash: string; position: Position }>();

  constructor(private readonly store: EventStore) {}

  /** Resolves to where the binding is in the log: the first request's, for a resend too. */
  async bind(context: CommandContext & { requestHash: string }): Promise<Position> {
    const { commandId, requestHash } = context;
    const known = this.bound.get(commandId);
    if (known?.requestHash === requestHash) return known.position;
    const stream = commandKeyStream(commandId);
    for (;;) {
      const [first] = await this.store.readStream(stream, { maxCount: 1 });
      if (first) {
        if (first.data.requestHash !== requestHash) throw keyReused();
        return this.remember(commandId, requestHash, first.position);
      }
      try {
        const { position } = await this.store.append(
          stream,
          [
            {
              id: randomUUID(),
              type: 'CommandKeyBound',
              data: { requestHash },
              metadata: {
                correlationId: context.correlationId,
                causationId: context.causationId,
                actorId: context.actorId,
                commandId,
                occurredAt: context.now.toISOString(),
                schemaVersion: 1,
              },
            },
          ],
          'no_stream',
        );
        return this.remember(commandId, requestHash, position);
      } catch (error) {
        // Another request bound the key first: compare with it.
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
  }

  private remember(commandId: string, requestHash: string, position: Position): Position {
    this.bound.set(commandId, { requestHash, position });
    if (this.bound.size > MAX_REMEMBERED) this.bound.delete(this.bound.keys().next().value!);
    return position;
  }
}
