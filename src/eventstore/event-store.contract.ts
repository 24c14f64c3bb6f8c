// Over 300 lines on purpose: the one contract every adapter passes, kept in one file so that an adapter cannot pass part of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, events, uniqueStream } from '../../test/events.js';
import { InvalidInputError, WrongExpectedRevisionError } from './errors.js';
import type { AllSubscription, EventData, EventStore, RecordedEvent } from './event-store.js';
import { comparePositions, type Position } from './position.js';
import { MAX_APPEND_BYTES } from './validate-append.js';

/**
 * The behaviour every event store adapter must have. Both adapters run it; the stores
 * may be shared with other tests, so each test works on streams of its own.
 */
export const eventStoreContract = (name: string, open: () => Promise<{ store: EventStore; close(): Promise<void> }>) =>
  describe(`${name} event store contract`, () => {
    let store: EventStore;
    let close: () => Promise<void>;
    beforeAll(async () => ({ store, close } = await open()));
    afterAll(async () => close?.());

    const ids = (recorded: RecordedEvent[]) => recorded.map((e) => e.id);

    describe('appending', () => {
      it('stores events with their id, type, data and metadata, numbered from revision 0', async () => {
        const stream = uniqueStream();
        const batch = events(3, 'ThingDone');
        const result = await store.append(stream, batch, 'no_stream');
        expect(result.nextExpectedRevision).toBe(2n);
        const read = await store.readStream(stream);
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(read.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }))).toEqual(batch);
        expect(read.every((e) => e.streamId === stream && e.recordedAt instanceof Date)).toBe(true);
        expect(comparePositions(read[2]!.position, result.position)).toBe(0);
      });

      it('appends at the exact expected revision and refuses a stale one, writing nothing', async () => {
        const stream = uniqueStream();
        await store.append(stream, events(2), 'no_stream');
        await store.append(stream, [anEvent()], 1n);
        const error = await store.append(stream, [anEvent()], 1n).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ code: 'CONFLICT', streamId: stream, actual: 2n });
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('refuses no_stream on an existing stream and stream_exists on a missing one', async () => {
        const stream = uniqueStream();
        await store.append(stream, [anEvent()], 'no_stream');
        await expect(store.append(stream, [anEvent()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        const missing = uniqueStream();
        await expect(store.append(missing, [anEvent()], 'stream_exists')).rejects.toMatchObject({
          code: 'CONFLICT',
          actual: 'no_stream',
        });
        expect(await store.readStream(missing)).toEqual([]);
        await store.append(stream, [anEvent()], 'stream_exists');
        await store.append(stream, [anEvent()], 'any');
        await store.append(uniqueStream(), [anEvent()], 'any');
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('lets exactly one of many racing appends at the same revision win', async () => {
        const stream = uniqueStream();
        await store.append(stream, [anEvent()], 'no_stream');
        const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => store.append(stream, [anEvent()], 0n)));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes.filter((o) => o.status === 'rejected'))
          expect((o as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe('idempotency', () => {
      it('writes a batch appended twice only once and returns the same result', async () => {
        const stream = uniqueStream();
        const batch = events(2);
        const first = await store.append(stream, batch, 'no_stream');
        const second = await store.append(stream, batch, 'no_stream');
        expect(second.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(comparePositions(second.position, first.position)).toBe(0);
        expect(ids(await store.readStream(stream))).toEqual(batch.map((e) => e.id));
      });

      it('writes a command sent many times at once only once', async () => {
        const stream = uniqueStream();
        await store.append(stream, [anEvent()], 'no_stream');
        const batch = events(3);
        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => store.append(stream, batch, 0n)));
        expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
        expect(await store.readStream(stream)).toHaveLength(4);
      });

      it('says which append wrote and which repeated one stored before, where it can tell', async () => {
        const stream = uniqueStream();
        const batch = events(2);
        const answers = [await store.append(stream, batch, 'no_stream'), await store.append(stream, batch, 'no_stream')];
        // The command handler appends to a stream it has not read only where the store tells these apart.
        expect(answers.map((a) => a.replayed)).toEqual(store.tellsReplays ? [false, true] : [undefined, undefined]);
      });
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards from a revision, up to a count', async () => {
        const stream = uniqueStream();
        const batch = events(10);
        await store.append(stream, batch, 'no_stream');
        const revisions = (read: RecordedEvent[]) => read.map((e) => Number(e.revision));
        expect(revisions(await store.readStream(stream, { fromRevision: 4n, maxCount: 3 }))).toEqual([4, 5, 6]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards' }))).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        expect(revisions(await store.readStream(stream, { direction: 'backwards', fromRevision: 4n, maxCount: 2 }))).toEqual([
          4, 3,
        ]);
        expect(await store.readStream(stream, { fromRevision: 10n })).toEqual([]);
      });

      it('reads a missing stream as empty, forwards and backwards', async () => {
        const stream = uniqueStream();
        expect(await store.readStream(stream)).toEqual([]);
        expect(await store.readStream(stream, { direction: 'backwards' })).toEqual([]);
        expect(await store.getStreamMetadata(stream)).toBeUndefined();
      });

      it('keeps a stream that has metadata but no event empty, and lets it start with no_stream', async () => {
        const stream = uniqueStream();
        await store.setStreamMetadata(stream, { owner: 'organizer-1', tags: ['a'] });
        expect(await store.getStreamMetadata(stream)).toEqual({ owner: 'organizer-1', tags: ['a'] });
        expect(await store.readStream(stream)).toEqual([]);
        await expect(store.append(stream, [anEvent()], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await store.append(stream, [anEvent()], 'no_stream');
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('reads all events in one global order: streams interleaved, batches contiguous', async () => {
        const [a, b] = [uniqueStream('order'), uniqueStream('order')];
        const start = await store.append(a, [anEvent()], 'no_stream');
        await store.append(b, events(3), 'no_stream');
        await store.append(a, events(2), 0n);
        await store.append(b, [anEvent()], 2n);
        const all = (await readAllAfter(store, start.position, 10_000)).filter((e) => e.streamId === a || e.streamId === b);
        expect(all.map((e) => `${e.streamId === a ? 'a' : 'b'}${e.revision}`)).toEqual(['b0', 'b1', 'b2', 'a1', 'a2', 'b3']);
        for (let i = 1; i < all.length; i++) expect(comparePositions(all[i - 1]!.position, all[i]!.position)).toBe(-1);
      });

      it('resumes reading all after a checkpoint, exclusive of it', async () => {
        const stream = uniqueStream();
        const batch = events(6);
        await store.append(stream, batch, 'no_stream');
        const read = await store.readStream(stream);
        const checkpoint = read[2]!.position;
        const rest = (await readAllAfter(store, checkpoint, 10_000)).filter((e) => e.streamId === stream);
        expect(ids(rest)).toEqual(batch.slice(3).map((e) => e.id));
        const page = await store.readAll({ after: checkpoint, maxCount: 2 });
        expect(page).toHaveLength(2);
        expect(comparePositions(page[0]!.position, checkpoint)).toBe(1);
      });

      it('round-trips a large event just under the size limit', async () => {
        const stream = uniqueStream();
        const big = anEvent('BigThing', { blob: 'x'.repeat(MAX_APPEND_BYTES - 2_000), unicode: 'żółw 🐢' });
        await store.append(stream, [big], 'no_stream');
        const [read] = await store.readStream(stream);
        expect(read?.data).toEqual(big.data);
      });
    });

    describe('where the log ends and which log it is', () => {
      it('reports as its head a position at or after the last append', async () => {
        const { position } = await store.append(uniqueStream('head'), [anEvent()], 'no_stream');
        const head = await store.headPosition();
        expect(head).toBeDefined();
        expect(comparePositions(head!, position)).toBeGreaterThanOrEqual(0);
      });

      it('names itself the same on every ask, under its own kind', async () => {
        const identity = await store.identity();
        expect(identity).toEqual({ kind: store.kind, id: expect.any(String) });
        expect(identity.id).not.toBe('');
        expect(await store.identity()).toEqual(identity);
      });
    });

    describe('subscribing to all', () => {
      it('catches up on stored events, then follows new ones live, in order', async () => {
        const stream = uniqueStream('sub');
        const before = events(5);
        const { position: start } = await store.append(stream, [anEvent()], 'no_stream');
        await store.append(stream, before, 0n);
        const subscription = store.subscribeToAll({ after: start });
        const received = collectFrom(subscription, stream, 8);
        await subscription.caughtUp;
        const later = events(3);
        await store.append(stream, later.slice(0, 1), 'any');
        await store.append(stream, later.slice(1), 'any');
        const seen = await received;
        await subscription.close();
        expect(ids(seen)).toEqual([...before, ...later].map((e) => e.id));
        expect(seen.map((e) => Number(e.revision))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      });

      it('resumes from a checkpoint without repeating or skipping an event', async () => {
        const { position: start } = await store.append(uniqueStream('marker'), [anEvent()], 'no_stream');
        const stream = uniqueStream('resume');
        const batch = events(6);
        await store.append(stream, batch, 'no_stream');
        const first = store.subscribeToAll({ after: start });
        const head = await collectFrom(first, stream, 3);
        await first.close();
        const second = store.subscribeToAll({ after: head[2]!.position });
        const tail = await collectFrom(second, stream, 3);
        await second.close();
        expect(ids([...head, ...tail])).toEqual(batch.map((e) => e.id));
      });

      it('stops delivering once closed', async () => {
        const { position: start } = await store.append(uniqueStream('marker'), [anEvent()], 'no_stream');
        const stream = uniqueStream('closed');
        await store.append(stream, [anEvent()], 'no_stream');
        const subscription = store.subscribeToAll({ after: start });
        expect(await collectFrom(subscription, stream, 1)).toHaveLength(1);
        await subscription.close();
        await store.append(stream, [anEvent()], 0n);
        const next = await subscription[Symbol.asyncIterator]().next();
        expect(next.done).toBe(true);
      });
    });

    describe('bad input is refused with a clear error and writes nothing', () => {
      const good = () => anEvent();
      const bad: Array<[string, () => EventData]> = [
        ['an empty type', () => ({ ...good(), type: '' })],
        ['a type with spaces', () => ({ ...good(), type: 'Thing Happened' })],
        ['an id that is not a UUID', () => ({ ...good(), id: 'not-a-uuid' })],
        ['data that is a string', () => ({ ...good(), data: 'text' as never })],
        ['data holding a function', () => ({ ...good(), data: { f: (() => 1) as never } })],
        ['data holding undefined', () => ({ ...good(), data: { u: undefined as never } })],
        ['data holding a bigint', () => ({ ...good(), data: { b: 1n as never } })],
        ['data holding NaN', () => ({ ...good(), data: { n: Number.NaN } })],
        ['data holding a Date', () => ({ ...good(), data: { d: new Date() as never } })],
        ['data holding a NUL character', () => ({ ...good(), data: { s: 'a\u0000b' } })],
        ['data holding a lone surrogate', () => ({ ...good(), data: { s: 'x\uD800' } })],
        ['a data key holding a lone surrogate', () => ({ ...good(), data: { ['k\uDC00']: 1 } })],
        ['circular data', () => {
          const data: Record<string, unknown> = {};
          data.self = data;
          return { ...good(), data: data as never };
        }],
        ['metadata without a correlation id', () => {
          const event = good();
          return { ...event, metadata: { ...event.metadata, correlationId: '' } };
        }],
        ['metadata with a bad schema version', () => {
          const event = good();
          return { ...event, metadata: { ...event.metadata, schemaVersion: 0 } };
        }],
        ['an event above the size limit', () => anEvent('Huge', { blob: 'x'.repeat(MAX_APPEND_BYTES + 1) })],
      ];

      it.each(bad)('refuses %s, even beside good events', async (_, make) => {
        const stream = uniqueStream('bad');
        await store.append(stream, [good()], 'no_stream');
        const error = await store.append(stream, [good(), make(), good()], 'any').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidInputError);
        expect(error).toMatchObject({ code: 'VALIDATION' });
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it.each([
        ['-1n', -1n],
        ['a number', 3],
        ['a fraction', 1.5],
        ['an unknown word', 'latest'],
        ['null', null],
      ])('refuses an expected revision that is %s', async (_, expected) => {
        const stream = uniqueStream('bad');
        await expect(store.append(stream, [good()], expected as never)).rejects.toMatchObject({ code: 'VALIDATION' });
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('refuses an empty append, the same id twice in one append, and bad stream ids', async () => {
        const stream = uniqueStream('bad');
        const event = good();
        await expect(store.append(stream, [], 'any')).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.append(stream, [event, event], 'any')).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.append('', [good()], 'any')).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.append('$system', [good()], 'any')).rejects.toBeInstanceOf(InvalidInputError);
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('refuses reads with a negative revision or a zero count', async () => {
        const stream = uniqueStream('bad');
        await expect(store.readStream(stream, { fromRevision: -1n })).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.readStream(stream, { maxCount: 0 })).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.readAll({ maxCount: -5 })).rejects.toBeInstanceOf(InvalidInputError);
      });

      it('refuses stream metadata that is not a JSON object', async () => {
        const stream = uniqueStream('bad');
        await expect(store.setStreamMetadata(stream, [] as never)).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.setStreamMetadata(stream, { when: new Date() } as never)).rejects.toBeInstanceOf(InvalidInputError);
        expect(await store.getStreamMetadata(stream)).toBeUndefined();
      });
    });

  });

/** All events after `after`, page by page. */
export const readAllAfter = async (store: EventStore, after: Position, limit: number): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  let cursor = after;
  while (all.length < limit) {
    const page = await store.readAll({ after: cursor, maxCount: 500 });
    if (page.length === 0) break;
    all.push(...page);
    cursor = page[page.length - 1]!.position;
  }
  return all;
};

/** The first `count` events of `stream` that the subscription delivers. */
export const collectFrom = async (subscription: AllSubscription, stream: string, count: number): Promise<RecordedEvent[]> => {
  const seen: RecordedEvent[] = [];
  for await (const event of subscription) {
    if (event.streamId === stream) seen.push(event);
    if (seen.length === count) break;
  }
  return seen;
};
