import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import type { AllSubscription, RecordedEvent } from '../event-store.js';
import { toRecorded } from './recorded-event.js';

/**
 * The port's subscription over the client's (a Transform the gRPC call is piped into), making
 * up for two things 6.2.1 leaves to its caller:
 *
 * - A failed call (a dropped connection, a server restart, AccessDenied) is emitted as 'error'
 *   but destroys nothing: the gRPC stream is unpiped and never ends the Transform, so an
 *   iteration begun after the error neither ends nor throws, and close() waits behind it.
 *   Destroyed with the error, the subscription makes every iteration throw it, before or after.
 * - 'caughtUp' is emitted as the server's signal passes through the Transform, while the
 *   events before it may still wait in its buffer (up to 16). `caughtUp` resolves only once
 *   the iteration has handed all of them over and been asked for more, and never on an error
 *   or a close.
 */
export const followSubscription = (
  subscription: AllStreamSubscription,
  explain: (error: unknown) => unknown,
): AllSubscription => {
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
  /** Events the iteration has taken from the client's subscription. */
  let taken = 0;
  /** Events received before the caught-up signal, once it came. */
  let owed: number | undefined;
  /** The iteration is suspended at a yield: the consumer has not come back for more yet. */
  let handing = false;
  const settle = (): void => {
    if (owed !== undefined && taken >= owed && !handing) markCaughtUp();
  };

  // `on`, not `once`: destroying emits the error again, and an unheard 'error' would crash the process.
  subscription.on('error', (error) => {
    if (!subscription.destroyed) subscription.destroy(error);
  });
  subscription.once('caughtUp', () =>
    // Counted once the event loop has turned: an event the iteration already read out of the
    // buffer but has not received yet (it travels through a few promise callbacks) is then in
    // `taken`, so nothing is counted twice or missed. Live events that arrive meanwhile are
    // counted too, which only delays `caughtUp` until they are handed over as well.
    setImmediate(() => {
      owed = taken + subscription.readableLength;
      settle();
    }),
  );

  async function* follow(): AsyncGenerator<RecordedEvent> {
    try {
      for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
        taken++;
        const event = toRecorded(resolved);
        if (event) {
          handing = true;
          yield event;
          handing = false;
        }
        settle();
      }
    } catch (error) {
      throw explain(error);
    }
  }

  const iterator = follow();
  return {
    caughtUp,
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      await subscription.unsubscribe();
      await iterator.return(undefined);
    },
  };
};
