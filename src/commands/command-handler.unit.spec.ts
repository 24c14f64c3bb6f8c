// Over 300 lines on purpose: every case drives one handler through the same counter decider, contexts and counting store.
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Decider } from '../domain/decider.js';
import { DomainError } from '../domain/domain-error.js';
import { MemoryEventStore } from '../eventstore/memory/memory-event-store.js';
import { comparePositions } from '../eventstore/position.js';
import { type CommandContext, CommandHandler, type CommandResult } from './command-handler.js';
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

/** Counts reads (and those from a stream's start), so a spec can see when the handler reads. */
class CountingStore extends MemoryEventStore {
  reads = 0;
  readsFromStart = 0;
  override async readStream(...args: Parameters<MemoryEventStore['readStream']>) {
    this.reads++;
    if (!args[1]?.fromRevision) this.readsFromStart++;
    return super.readStream(...args);
  }
}

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

describe('a command on a stream that is most likely new', () => {
  /**
   * Opens an empty total (with more than 0) in two events; an open one refuses, or takes a note
   * in one event: decisions that depend on what is stored, as a scan's do.
   */
  type Opening = { type: 'Opened' | 'Noted'; data: { amount: number } };
  const opening: Decider<{ type: 'Open'; amount: number; noteIfOpen: boolean }, number, Opening> = {
    initialState: () => 0,
    evolve: (total, event) => total + event.data.amount,
    decide: ({ amount, noteIfOpen }, total) => {
      if (total === 0 && amount === 0) throw new DomainError('VALIDATION', 'nothing to open');
      if (total === 0) return [{ type: 'Opened', data: { amount } }, { type: 'Noted', data: { amount: 0 } }];
      if (!noteIfOpen) throw new DomainError('VALIDATION', `already open at ${total}`);
      return [{ type: 'Noted', data: { amount } }];
    },
  };
  const open = (handler: CommandHandler, stream: string, amount: number, ctx: CommandContext, noteIfOpen = false) =>
    handler.handle(opening, stream, { type: 'Open', amount, noteIfOpen }, ctx, { likelyNewStream: true });

  it('appends to a new stream without reading it, and reads it before the next command', async () => {
    const counting = new CountingStore();
    const handler = new CommandHandler(counting);
    const stream = `opening-${randomUUID()}`;
    expect(await open(handler, stream, 5, context('a', { amount: 5 }))).toMatchObject({ replayed: false, state: 5, events: [{ type: 'Opened' }, { type: 'Noted' }] });
    expect(counting.reads).toBe(0);
    await expect(open(handler, stream, 2, context('b', { amount: 2 }))).rejects.toThrow('already open at 5');
    expect(counting.reads).toBe(1);
    expect(await counting.readStream(stream)).toHaveLength(2);
  });

  it('decides on what another process stored when the stream was not new after all', async () => {
    const stream = `opening-${randomUUID()}`;
    await open(new CommandHandler(store), stream, 5, context('a', { amount: 5 }));
    const error = await open(new CommandHandler(store), stream, 2, context('b', { amount: 2 })).catch((e: unknown) => e);
    expect((error as DomainError).message).toBe('already open at 5');
    const noted = await open(new CommandHandler(store), stream, 2, context('c', { amount: 2 }), true);
    expect(noted).toMatchObject({ replayed: false, state: 7, events: [{ type: 'Noted' }] });
    expect(await store.readStream(stream)).toHaveLength(3);
  });

  it('does not answer a refusal decided on the guess that the stream is empty', async () => {
    const stream = `opening-${randomUUID()}`;
    await open(new CommandHandler(store), stream, 5, context('a', { amount: 5 }));
    const noted = await open(new CommandHandler(store), stream, 0, context('b', { amount: 0 }), true);
    expect(noted).toMatchObject({ replayed: false, state: 5, events: [{ type: 'Noted' }] });
  });

  it('answers a resend that another process stored as that process did, appending nothing', async () => {
    const stream = `opening-${randomUUID()}`;
    const first = await open(new CommandHandler(store), stream, 5, context('a', { amount: 5 }));
    const resent = await open(new CommandHandler(store), stream, 5, context('a', { amount: 5 }));
    expect(resent).toEqual({ ...first, replayed: true });
    expect(await store.readStream(stream)).toHaveLength(2);
  });

  it('answers a resend as the first time where a guess on the empty stream decides more events than were stored', async () => {
    const stream = `opening-${randomUUID()}`;
    await open(new CommandHandler(store), stream, 5, context('a', { amount: 5 }));
    const first = await open(new CommandHandler(store), stream, 2, context('b', { amount: 2 }), true);
    // The guess appends two events, the first of whose ids the store holds: refused as a partial repeat, then read.
    const resent = await open(new CommandHandler(store), stream, 2, context('b', { amount: 2 }), true);
    expect(resent).toEqual({ ...first, replayed: true });
    expect(await store.readStream(stream)).toHaveLength(3);
  });

  it('reads first on a store that cannot tell a repeated append from a fresh one', async () => {
    class ReplayBlindStore extends CountingStore {
      override readonly tellsReplays = false;
    }
    const blind = new ReplayBlindStore();
    const stream = `opening-${randomUUID()}`;
    await open(new CommandHandler(blind), stream, 5, context('a', { amount: 5 }));
    expect(blind.reads).toBe(1);
    expect(await open(new CommandHandler(blind), stream, 5, context('a', { amount: 5 }))).toMatchObject({ replayed: true, state: 5 });
  });
});

describe('a resend after its answer has left memory', () => {
  /** Keeps the answers of the last `answers` commands per stream. */
  const keeping = (answers: number, on: MemoryEventStore = store) => new CommandHandler(on, undefined, { recentAnswers: answers });
  const resend = (handler: CommandHandler, stream: string, n: number) => add(handler, stream, n, context(`c${n}`, { amount: n }));
  /** The answer as it was (a resend may name its command's own last event rather than its append's last). */
  const sameAnswer = (again: CommandResult<number, unknown>, first: CommandResult<number, unknown>) => {
    expect(again).toMatchObject({ events: first.events, state: first.state, replayed: true });
    expect(comparePositions(again.position!, first.position!)).toBeLessThanOrEqual(0);
  };

  it('is answered as the first time from the stream, for commands appended together and alone', async () => {
    const stream = `counter-${randomUUID()}`;
    const handler = keeping(2);
    // The first three queue together and share an append.
    const firsts = await Promise.all([1, 2, 3].map((n) => resend(handler, stream, n)));
    for (const n of [4, 5, 6]) firsts.push(await resend(handler, stream, n));
    for (const [i, first] of firsts.entries()) sameAnswer(await resend(handler, stream, i + 1), first);
    for (const [i, first] of firsts.entries()) sameAnswer(await resend(keeping(2), stream, i + 1), first);
    expect(await store.readStream(stream)).toHaveLength(6);
  });

  it('is answered with all of its events and the state after the last of them', async () => {
    const twice: Decider<{ type: 'Add'; amount: number }, number, Added> = {
      ...counter,
      decide: (command) => [{ type: 'Added', data: { amount: command.amount } }, { type: 'Added', data: { amount: command.amount } }],
    };
    const stream = `counter-${randomUUID()}`;
    const handler = keeping(1);
    const first = await handler.handle(twice, stream, { type: 'Add', amount: 2 }, context('a', { amount: 2 }));
    await handler.handle(twice, stream, { type: 'Add', amount: 3 }, context('b', { amount: 3 }));
    const again = await handler.handle(twice, stream, { type: 'Add', amount: 2 }, context('a', { amount: 2 }));
    sameAnswer(again, first);
    expect(again.state).toBe(4);
  });

  it('is found on any page of a long stream', async () => {
    const stream = `counter-${randomUUID()}`;
    const handler = keeping(10);
    const firsts = await Promise.all(Array.from({ length: 2_500 }, (_, i) => resend(handler, stream, i + 1)));
    for (const n of [1, 999, 1_000, 1_001, 2_001]) sameAnswer(await resend(handler, stream, n), firsts[n - 1]!);
  });

  it('is read from the stream, where one among the latest answers is not', async () => {
    const counting = new CountingStore();
    const stream = `counter-${randomUUID()}`;
    const handler = keeping(2, counting);
    for (const n of [1, 2, 3]) await resend(handler, stream, n);
    const before = counting.readsFromStart;
    await resend(handler, stream, 3);
    await resend(handler, stream, 2);
    expect(counting.readsFromStart).toBe(before);
    await resend(handler, stream, 1);
    expect(counting.readsFromStart).toBe(before + 1);
  });

  it('with other arguments is refused at once, without reading the stream from its start', async () => {
    const counting = new CountingStore();
    const stream = `counter-${randomUUID()}`;
    const handler = keeping(1, counting);
    for (const n of [1, 2, 3]) await resend(handler, stream, n);
    const error = await add(handler, stream, 9, context('c1', { amount: 9 })).catch((e: unknown) => e);
    expect((error as DomainError).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(counting.readsFromStart).toBe(1);
  });

  it('waiting with others shares their read of the stream', async () => {
    const counting = new CountingStore();
    const stream = `counter-${randomUUID()}`;
    const handler = keeping(1, counting);
    const firsts: CommandResult<number, Added>[] = [];
    for (let n = 1; n <= 12; n++) firsts.push(await resend(handler, stream, n));
    const before = counting.readsFromStart;
    const agains = await Promise.all(firsts.slice(0, 10).map((_, i) => resend(handler, stream, i + 1)));
    agains.forEach((again, i) => sameAnswer(again, firsts[i]!));
    // Ten resends, one read (two if the first resend's read starts before the others queue).
    expect(counting.readsFromStart - before).toBeLessThanOrEqual(2);
  });
});
