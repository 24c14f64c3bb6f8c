import type { MercuriusContext } from 'mercurius';
import { DomainError } from '../domain/domain-error.js';

/**
 * What a query does with its `atPosition` before it reads: it refuses at once a caller it
 * would refuse after the wait anyway, so that nobody is held for up to 5 s only to be told
 * no, and then waits, once per request however many of its fields ask.
 *
 * `refuseEarly` is the query's own access rule judged on the token and the read model as it
 * stands, except where what the caller waits for may be what grants access: a thing the read
 * model does not have yet may be the caller's new one, and an event still a draft there may
 * have been published before the caller's write (so `event` and `events` refuse nobody
 * early). A place on an event's team is judged as it stands, accepting that someone added by
 * a write the read side has not applied yet is refused until it has.
 */
export const waitForPosition = async (
  ctx: MercuriusContext,
  projections: readonly string[],
  atPosition: string | null | undefined,
  refuseEarly?: () => unknown,
): Promise<void> => {
  if (atPosition == null) return;
  // Positions are what mutations return: an anonymous caller has no write of its own to wait for.
  if (!ctx.actor) throw new DomainError('UNAUTHENTICATED', 'atPosition waits for a write of your own: log in first');
  await refuseEarly?.();
  await ctx.app.reads.positions.waitFor(ctx, projections, atPosition);
};
