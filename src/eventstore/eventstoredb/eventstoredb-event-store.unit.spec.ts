// Over 300 lines on purpose: one spec per defect the review of the adapter found, each driving the real client against the same scripted gRPC server; split, each file would set that server up again.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AccessDeniedError, EventStoreDBClient, UnavailableError } from '@eventstore/db-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anEvent, uniqueStream } from '../../../test/events.js';
import {
  type FakeEvent,
  type FakeServer,
  accessDeniedStatus,
  notLeader,
  startFakeServer,
  streamDeletedStatus,
  unavailable,
} from '../../../test/eventstoredb-fake-server.js';
import { relayTo } from '../../../test/tcp-relay.js';
import { InvalidInputError, StreamDeletedError, WrongExpectedRevisionError } from '../errors.js';
import type { AllSubscription, RecordedEvent } from '../event-store.js';
import { MAX_APPEND_BYTES } from '../validate-append.js';
import { EventStoreAccessDeniedError } from './client-errors.js';
import { EventStoreDbEventStore, STORE_ID_STREAM } from './eventstoredb-event-store.js';

/**
 * The adapter against a gRPC server scripted per spec (test/eventstoredb-fake-server.ts),
 * through the real @eventstore/db-client and grpc-js: every result, error and dropped call the
 * adapter meets here is what the client makes of a server's answer. The contract suite
 * (eventstoredb-event-store.int.spec.ts) covers what needs a real server.
 */

let server: FakeServer;
let store: EventStoreDbEventStore;
beforeEach(async () => {
  server = await startFakeServer();
  store = EventStoreDbEventStore.connect(server.url());
});
afterEach(async () => {
  await store.close();
  await server.close();
});

const at = (n: number) => ({ commit: BigInt(n), prepare: BigInt(n) });
const stored = (streamId: string, revision: number, position: number, type = 'ThingDone', data: unknown = { revision }): FakeEvent => ({
  streamId,
  revision: BigInt(revision),
  position: at(position),
  id: randomUUID(),
  type,
  data,
  metadata: anEvent().metadata,
});

/** How `promise` settled within `ms`, or 'pending': a hang must fail the spec, not time it out. */
const within = async <T>(promise: Promise<T>, ms = 2_000): Promise<{ value: T } | { error: unknown } | 'pending'> =>
  Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), sleep(ms).then(() => 'pending' as const)]);

const firstOf = async (subscription: AllSubscription): Promise<RecordedEvent | undefined> => {
  for await (const event of subscription) return event;
  return undefined;
};

describe('a subscription', () => {
  it('that drops before it is iterated throws when iterated, and close() does not wait behind it', async () => {
    server.script = {
      read: (call) => {
        call.confirm();
        call.fail(unavailable);
      },
    };
    const subscription = store.subscribeToAll();
    await expect.poll(() => server.reads.length).toBe(1);
    // The forwarder's window: subscribed, then busy elsewhere (Kafka connecting) while the server restarts.
    await sleep(200);

    const iterated = await within(firstOf(subscription));
    expect(iterated).toMatchObject({ error: expect.any(UnavailableError) });
    expect(await within(subscription.close())).toEqual({ value: undefined });
  });

  it('whose connection is cut before it is iterated throws when iterated', async () => {
    server.script = { read: (call) => call.confirm() };
    const relay = await relayTo('127.0.0.1', server.port);
    const relayed = EventStoreDbEventStore.connect(`esdb://127.0.0.1:${relay.port}?tls=false`);
    try {
      const subscription = relayed.subscribeToAll();
      await expect.poll(() => server.reads.length).toBe(1);
      relay.cut();
      await sleep(200);
      expect(await within(firstOf(subscription))).toMatchObject({ error: expect.any(UnavailableError) });
      expect(await within(subscription.close())).toEqual({ value: undefined });
    } finally {
      await relayed.close();
      await relay.close();
    }
  });

  it('refused by the server throws a message naming the connection’s user, never its password', async () => {
    await store.close();
    store = EventStoreDbEventStore.connect(`esdb://ops:s3cret@127.0.0.1:${server.port}?tls=false`);
    server.script = { read: (call) => call.fail(accessDeniedStatus) };
    const subscription = store.subscribeToAll();
    await expect.poll(() => server.reads.length).toBe(1);
    await sleep(100);

    const iterated = await within(firstOf(subscription));
    expect(iterated).toMatchObject({ error: expect.any(EventStoreAccessDeniedError) });
    const { error } = iterated as { error: Error };
    expect(error.message).toMatch(/^EventStoreDB denied the user "ops" of EVENTSTORE_URL access to \$all \(AccessDenied\)/);
    expect(error.message).not.toContain('s3cret');
    expect(error.cause).toBeInstanceOf(AccessDeniedError);
  });

  describe('caughtUp', () => {
    it('resolves only once every event sent before the server’s signal was handed over, and the consumer came back for more', async () => {
      const stream = uniqueStream();
      const before = [0, 1, 2, 3, 4].map((n) => stored(stream, n, 100 + n));
      server.script = {
        read: (call) => {
          call.confirm();
          for (const event of before) call.event(event);
          call.caughtUp();
        },
      };
      const subscription = store.subscribeToAll();
      let handedAtCaughtUp: number | undefined;
      const handed: RecordedEvent[] = [];
      void subscription.caughtUp.then(() => (handedAtCaughtUp = handed.length));
      const events = subscription[Symbol.asyncIterator]();
      // A slow consumer: the five wait in the client's buffer while it works on each.
      for (let n = 0; n < before.length; n++) {
        handed.push((await events.next()).value as RecordedEvent);
        await sleep(50);
        expect(handedAtCaughtUp).toBeUndefined();
      }
      void events.next();
      expect(await within(subscription.caughtUp)).toEqual({ value: undefined });
      expect(handedAtCaughtUp).toBe(5);
      expect(handed.map((e) => e.id)).toEqual(before.map((e) => e.id));
      await subscription.close();
    });

    it('never resolves when the subscription fails or is closed before the signal', async () => {
      const stream = uniqueStream();
      server.script = {
        read: (call) => {
          call.confirm();
          call.event(stored(stream, 0, 100));
          setTimeout(() => call.fail(unavailable), 100);
        },
      };
      const failing = store.subscribeToAll();
      const events = failing[Symbol.asyncIterator]();
      expect((await events.next()).value).toMatchObject({ streamId: stream });
      await expect(events.next()).rejects.toBeInstanceOf(UnavailableError);
      expect(await within(failing.caughtUp, 200)).toBe('pending');

      server.script = { read: (call) => call.confirm() };
      const closed = store.subscribeToAll();
      await expect.poll(() => server.reads.length).toBe(2);
      await closed.close();
      expect(await within(closed.caughtUp, 200)).toBe('pending');
    });
  });
});

describe('appending', () => {
  it('refuses with CONFLICT, reading nothing, an append the server refused to a client made with throwOnAppendFailure=false', async () => {
    await store.close();
    // The connection string is refused outright (connection-string.unit.spec.ts); a client made with it directly is not.
    store = new EventStoreDbEventStore(EventStoreDBClient.connectionString(server.url('&throwOnAppendFailure=false')));
    server.script = { append: (request) => ({ wrongExpectedVersion: { current: 7n, expected: request.expected } }) };
    const stream = uniqueStream();

    const error = await store.append(stream, [anEvent()], 3n).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ code: 'CONFLICT', streamId: stream });
    // Today's adapter looked up "its" position at the revision the result misreports.
    expect(server.reads).toEqual([]);
  });

  it.each([
    ['NotLeader after a leader election, at an exact revision', 4n, () => notLeader(server.port)],
    ['a dropped batch stream (Unavailable), with no_stream', 'no_stream' as const, () => unavailable],
  ])('sends the same append again after %s, and succeeds', async (_, expected, failure) => {
    let attempts = 0;
    server.script = {
      append: () => (++attempts === 1 ? { fail: failure() } : { success: { revision: 5n, position: at(900) } }),
    };
    const batch = [anEvent(), anEvent()];

    expect(await store.append(uniqueStream(), batch, expected)).toEqual({ nextExpectedRevision: 5n, position: at(900) });
    expect(server.appends).toHaveLength(2);
    expect(server.appends[1]).toEqual(server.appends[0]);
    expect(server.appends[1]).toMatchObject({ expected, events: batch.map(({ id, type }) => ({ id, type })) });
  });

  it('does not send an `any` append again after the batch stream dropped: only the server’s cache would know it', async () => {
    server.script = { append: () => ({ fail: unavailable }) };
    await expect(store.append(uniqueStream(), [anEvent()], 'any')).rejects.toBeInstanceOf(UnavailableError);
    expect(server.appends).toHaveLength(1);
  });

  it('reads and appends to a stream deleted for good as StreamDeletedError, a CONFLICT', async () => {
    const stream = uniqueStream();
    server.script = { read: (call) => call.fail(streamDeletedStatus(stream)), append: () => ({ streamDeleted: true }) };

    const read = await store.readStream(stream).catch((e: unknown) => e);
    expect(read).toBeInstanceOf(StreamDeletedError);
    expect(read).toMatchObject({ code: 'CONFLICT', streamId: stream });
    await expect(store.append(stream, [anEvent()], 0n)).rejects.toMatchObject({ name: 'StreamDeletedError', code: 'CONFLICT', streamId: stream });
  });

  it('refuses, before sending it, an append the server counts above 1 MiB: its types count twice', async () => {
    const type = `T${'x'.repeat(99)}`;
    const batch = Array.from({ length: 1_000 }, (_, n) => anEvent(type, { n, blob: 'x'.repeat(640) }));
    const json = batch.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e.data)) + Buffer.byteLength(JSON.stringify(e.metadata)), 0);
    // Under the limit counting JSON alone (what the port counted), over it as the server counts.
    expect(json).toBeLessThan(1_000_000);
    expect(json + 2 * type.length * batch.length).toBeGreaterThan(MAX_APPEND_BYTES);

    await expect(store.append(uniqueStream(), batch, 'no_stream')).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(server.appends).toEqual([]);
  });

  it('refuses as VALIDATION an append above a limit the server was configured with below the default', async () => {
    server.script = { append: () => ({ maxAppendSizeExceeded: 4_096 }) };
    const error = await store.append(uniqueStream(), [anEvent()], 'no_stream').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(/above its limit of 4096 bytes/);
  });
});

describe('reading all', () => {
  it('returns at most maxCount events when `after` is no event’s position, so nothing is skipped', async () => {
    server.script = {
      read: (call) => {
        // The server reads from the first position at or after `after`: here every one it sends is after it.
        for (let n = 0; n < Number(call.request.count); n++) call.event(stored('thing-1', n, 200 + 100 * n));
        call.end();
      },
    };
    const page = await store.readAll({ after: at(150), maxCount: 3 });
    expect(page.map((e) => e.position)).toEqual([at(200), at(300), at(400)]);
    expect(server.reads[0]).toMatchObject({ streamId: '$all', from: at(150), count: 4n });
  });
});

describe('stream metadata', () => {
  const settings = { $acl: { $r: 'organizers', $w: '$admins' }, $maxAge: 3600, $tb: 5 };
  const metadataEvent = (stream: string, revision: number, data: object) => stored(`$$${stream}`, revision, 50 + revision, '$metadata', data);

  it('is written over what the stream’s metadata holds, at its metastream’s revision: an operator’s $acl, $maxAge and $tb stay', async () => {
    const stream = uniqueStream();
    server.script = {
      read: (call) => {
        if (call.request.streamId === `$$${stream}`) call.event(metadataEvent(stream, 3, { ...settings, rollcall: { owner: 'organizer-1' } }));
        call.end();
      },
      append: () => ({ success: { revision: 4n, position: at(60) } }),
    };

    expect(await store.getStreamMetadata(stream)).toEqual({ owner: 'organizer-1' });
    await store.setStreamMetadata(stream, { owner: 'organizer-2' });
    expect(server.appends).toEqual([
      { streamId: `$$${stream}`, expected: 3n, events: [expect.objectContaining({ type: '$metadata', data: { ...settings, rollcall: { owner: 'organizer-2' } } })] },
    ]);
  });

  it('is merged again into metadata someone changed between the read and the write', async () => {
    const stream = uniqueStream();
    let revision = 3;
    server.script = {
      read: (call) => {
        if (call.request.streamId === `$$${stream}`) call.event(metadataEvent(stream, revision, { ...settings, $maxAge: 60 * revision }));
        call.end();
      },
      append: (request) => {
        if (request.expected === 3n) {
          revision = 4;
          return { wrongExpectedVersion: { current: 4n, expected: 3n } };
        }
        return { success: { revision: 5n, position: at(70) } };
      },
    };
    await store.setStreamMetadata(stream, { owner: 'organizer-3' });
    expect(server.appends.map((a) => a.expected)).toEqual([3n, 4n]);
    expect(server.appends[1]!.events[0]!.data).toEqual({ ...settings, $maxAge: 240, rollcall: { owner: 'organizer-3' } });
  });

  it('starts the metastream of a stream that has none with no_stream', async () => {
    server.script = { read: (call) => call.notFound(), append: () => ({ success: { revision: 0n, position: at(80) } }) };
    await store.setStreamMetadata(uniqueStream(), { owner: 'organizer-4' });
    expect(server.appends[0]).toMatchObject({ expected: 'no_stream', events: [{ type: '$metadata', data: { rollcall: { owner: 'organizer-4' } } }] });
  });
});

describe('the head of the log', () => {
  it('is the newest event of ours in $all, past the server’s own records at its end', async () => {
    server.script = {
      read: (call) => {
        if (call.request.streamId === '$all' && call.request.backwards && call.request.from === 'end') {
          call.event(stored('$stats-127.0.0.1:2113', 41, 1_200, '$statsCollected'));
          call.event(stored('$$thing-1', 0, 1_100, '$metadata'));
          call.event(stored('thing-1', 7, 1_000));
          call.event(stored('thing-1', 6, 900));
        }
        call.end();
      },
    };
    expect(await store.headPosition()).toEqual(at(1_000));
  });

  it('is undefined for a log without events of ours', async () => {
    expect(await store.headPosition()).toBeUndefined();
  });
});

describe('the store’s identity', () => {
  it('is a UUID written once to its own stream by the first to ask, then read back, the same for every later ask', async () => {
    let written: FakeEvent | undefined;
    server.script = {
      read: (call) => {
        if (call.request.streamId !== STORE_ID_STREAM || !written) return call.notFound();
        call.event(written);
        call.end();
      },
      append: (request) => {
        written = { ...stored(STORE_ID_STREAM, 0, 10, request.events[0]!.type, request.events[0]!.data), id: request.events[0]!.id };
        return { success: { revision: 0n, position: at(10) } };
      },
    };
    const identity = await store.identity();
    expect(identity).toEqual({ kind: 'eventstoredb', id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(server.appends).toEqual([{ streamId: STORE_ID_STREAM, expected: 'no_stream', events: [expect.objectContaining({ data: { storeId: identity.id } })] }]);
    expect(await store.identity()).toEqual(identity);
    expect(server.reads.filter((r) => r.streamId === STORE_ID_STREAM)).toHaveLength(2);
  });

  it('is the one another process wrote first', async () => {
    const theirs = randomUUID();
    let first = true;
    server.script = {
      read: (call) => {
        if (first) return call.notFound();
        call.event(stored(STORE_ID_STREAM, 0, 10, 'RollcallStoreIdentified', { storeId: theirs }));
        call.end();
      },
      append: () => {
        first = false;
        return { wrongExpectedVersion: { current: 0n, expected: 'no_stream' } };
      },
    };
    expect(await store.identity()).toEqual({ kind: 'eventstoredb', id: theirs });
  });
});
