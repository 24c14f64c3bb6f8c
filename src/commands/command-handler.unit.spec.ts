import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Decider } from '../domain/decider.js';
import { DomainError } from '../domain/domain-error.js';
import { MemoryEventStore } from '../eventstore/memory/memory-event-store.js';
import { type CommandContext, CommandHandler } from './command-handler.js';
import { requestHash } from './request.js';

/** A counter: `Add` appends what it adds; enough to watch what the handler stores and answers. */
type Added = { type: 'Added'; data: { amount: number } };
const counter: Decider<{ type: 'Add'; amount: number }, number, Added> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.amount,
  decide: (command) => [{ type: 'Added', data: { amount: command.amount } }],
};

// Handlers made apart on one store stand for processes: what one appends, the others only learn from the store.
let store: MemoryEventStore;
beforeEach(() => {
  store = new MemoryEventStore();
});

const context = (commandId: string, args: object, operation = 'add'): CommandContext => ({
  commandId,
  actorId: 'tester',
  correlationId: commandId,
  causationId: commandId,
  now: new Date(),
  requestHash: requestHash({ operation, args }),
});
const add = (handler: CommandHandler, stream: string, amount: number, ctx: CommandContext) =>
  handler.handle(counter, stream, { type: 'Add', amount }, ctx);

describe('a command id bound to its request', () => {
  it('answers a resend with the same arguments as the first time, appending once', async () => {
    const stream = `counter-${randomUUID()}`;
    const handler = new CommandHandler(store);
    const first = await add(handler, stream, 5, context('k', { amount: 5 }));
    const again = await add(new CommandHandler(store), stream, 5, context('k', { amount: 5 }));
    expect(again).toMatchObject({ replayed: true, state: first.state, position: first.position });
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it.each([
    ['other arguments', context('k', { amount: 6 })],
    ['another operation', context('k', { amount: 5 }, 'subtract')],
  ])('refuses the same id with %s, from a cold cache too, and appends nothing', async (_, reused) => {
    const stream = `counter-${randomUUID()}`;
    await add(new CommandHandler(store), stream, 5, context('k', { amount: 5 }));
    const error = await add(new CommandHandler(store), stream, 6, reused).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('tells a resend from a reuse within one batch', async () => {
    const stream = `counter-${randomUUID()}`;
    const handler = new CommandHandler(store);
    const outcomes = await Promise.allSettled([
      add(handler, stream, 1, context('a', { amount: 1 })),
      add(handler, stream, 1, context('a', { amount: 1 })),
      add(handler, stream, 2, context('a', { amount: 2 })),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((outcomes[2] as PromiseRejectedResult).reason.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await store.readStream(stream)).map((e) => e.data.amount)).toEqual([1]);
  });

  it('binds a key the client chose across streams: the same request on another stream is refused, a resend is not', async () => {
    const [one, two] = [`counter-${randomUUID()}`, `counter-${randomUUID()}`];
    const keyed = (args: object) => ({ ...context('chosen', args), keyedByClient: true });
    await add(new CommandHandler(store), one, 5, keyed({ amount: 5, stream: one }));
    const elsewhere = await add(new CommandHandler(store), two, 5, keyed({ amount: 5, stream: two })).catch((e: unknown) => e);
    expect((elsewhere as DomainError).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await store.readStream(two)).toEqual([]);
    expect((await add(new CommandHandler(store), one, 5, keyed({ amount: 5, stream: one }))).replayed).toBe(true);
  });

  it('lets one of two requests racing with one key bind it, and refuses the other', async () => {
    const [one, two] = [`counter-${randomUUID()}`, `counter-${randomUUID()}`];
    const keyed = (args: object) => ({ ...context('raced', args), keyedByClient: true });
    const outcomes = await Promise.allSettled([
      add(new CommandHandler(store), one, 1, keyed({ stream: one })),
      add(new CommandHandler(store), two, 1, keyed({ stream: two })),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason.code] : []))).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  });

  it('refuses a client request under the id of a command stored without a fingerprint, which it cannot match', async () => {
    const stream = `counter-${randomUUID()}`;
    const unfingerprinted = { ...context('old', {}), requestHash: undefined };
    await add(new CommandHandler(store), stream, 3, unfingerprinted);
    const error = await add(new CommandHandler(store), stream, 3, context('old', { amount: 3 })).catch((e: unknown) => e);
    expect((error as DomainError).code).toBe('IDEMPOTENCY_KEY_REUSED');
    const system = await add(new CommandHandler(store), stream, 3, unfingerprinted);
    expect(system.replayed).toBe(true);
  });

  it('stores no password in the fingerprint, but tells tokens apart', () => {
    expect(requestHash({ operation: 'logIn', args: { email: 'a@b.c', password: 'one' } })).toBe(
      requestHash({ operation: 'logIn', args: { email: 'a@b.c', password: 'two' } }),
    );
    expect(requestHash({ operation: 'logOut', args: { refreshToken: 'one' } })).not.toBe(
      requestHash({ operation: 'logOut', args: { refreshToken: 'two' } }),
    );
    expect(requestHash({ operation: 'x', args: { a: 1, b: null } })).toBe(requestHash({ operation: 'x', args: { a: 1 } }));
  });
});

describe('exactly once, on a store that recognises no event id (as EventStoreDB does not at a later revision)', () => {
  /** Stores every append as new (fresh ids), and can lose the answer to one after storing it, as a dropped connection does. */
  class IdBlindStore extends MemoryEventStore {
    loseNextAnswer = false;
    override async append(...[streamId, batch, expected]: Parameters<MemoryEventStore['append']>) {
      const result = await super.append(streamId, batch.map((event) => ({ ...event, id: randomUUID() })), expected);
      if (!this.loseNextAnswer) return result;
      this.loseNextAnswer = false;
      throw new Error('14 UNAVAILABLE: Connection dropped');
    }
  }

  it('answers a command resent after the answer to its append was lost from the stream, appending nothing', async () => {
    const blind = new IdBlindStore();
    const stream = `counter-${randomUUID()}`;
    blind.loseNextAnswer = true;
    await expect(add(new CommandHandler(blind), stream, 5, context('k', { amount: 5 }))).rejects.toThrow(/UNAVAILABLE/);
    const resent = await add(new CommandHandler(blind), stream, 5, context('k', { amount: 5 }));
    expect(resent).toMatchObject({ replayed: true, state: 5 });
    expect(await blind.readStream(stream)).toHaveLength(1);
  });

  it('answers a command resent after other commands moved its stream on as the first time, appending nothing', async () => {
    const blind = new IdBlindStore();
    const stream = `counter-${randomUUID()}`;
    const first = await add(new CommandHandler(blind), stream, 5, context('k', { amount: 5 }));
    await add(new CommandHandler(blind), stream, 1, context('j', { amount: 1 }));
    const resent = await add(new CommandHandler(blind), stream, 5, context('k', { amount: 5 }));
    expect(resent).toMatchObject({ replayed: true, state: 5, position: first.position });
    expect(await blind.readStream(stream)).toHaveLength(2);
  });
});
