import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreDBClient, UnavailableError } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, events, uniqueStream } from '../../../test/events.js';
import { relayTo } from '../../../test/tcp-relay.js';
import { StreamDeletedError, WrongExpectedRevisionError } from '../errors.js';
import { eventStoreContract } from '../event-store.contract.js';
import { EventStoreAccessDeniedError } from './client-errors.js';
import { parseEventStoreUrl } from './connection-string.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';

const url = process.env.EVENTSTORE_URL;

if (url) {
  eventStoreContract('EventStoreDB', async () => {
    const store = EventStoreDbEventStore.connect(url);
    return { store, close: () => store.close() };
  });

  /** What only a real server can show: how it answers what the unit specs script (eventstoredb-event-store.unit.spec.ts). */
  describe('EventStoreDB, beyond the contract', () => {
    const { hosts } = parseEventStoreUrl(url);
    const secure = !/[?&]tls=false\b/i.test(url);
    let store: EventStoreDbEventStore;
    let client: EventStoreDBClient;
    beforeAll(() => {
      store = EventStoreDbEventStore.connect(url);
      client = EventStoreDBClient.connectionString(url);
    });
    afterAll(async () => {
      await store?.close();
      await client?.dispose();
    });

    // Through a relay only a single insecure node can be reached: a cluster's gossip names the nodes, a certificate its host.
    it.skipIf(secure || hosts.length !== 1 || url.startsWith('esdb+discover'))(
      'makes a subscription whose connection was cut before it was iterated throw when iterated, and close() return',
      async () => {
        const node = hosts[0]!;
        const relay = await relayTo(node.slice(0, node.lastIndexOf(':')), Number(node.slice(node.lastIndexOf(':') + 1)));
        const relayed = EventStoreDbEventStore.connect(`esdb://127.0.0.1:${relay.port}?tls=false`);
        try {
          const subscription = relayed.subscribeToAll();
          await sleep(500);
          relay.cut();
          await sleep(500);
          const iterated = Promise.race([
            (async () => {
              for await (const _ of subscription) undefined;
              return 'ended';
            })(),
            sleep(10_000).then(() => 'hung'),
          ]);
          await expect(iterated).rejects.toBeInstanceOf(UnavailableError);
          await subscription.close();
        } finally {
          await relayed.close();
          await relay.close();
        }
      },
    );

    it('answers a stale append with CONFLICT, writing nothing, even through a client made with throwOnAppendFailure=false', async () => {
      expect(() => EventStoreDbEventStore.connect(`${url}${url.includes('?') ? '&' : '?'}throwOnAppendFailure=false`)).toThrow(/throwOnAppendFailure=false/);
      const lenient = new EventStoreDbEventStore(EventStoreDBClient.connectionString(`${url}${url.includes('?') ? '&' : '?'}throwOnAppendFailure=false`));
      try {
        const stream = uniqueStream();
        await lenient.append(stream, events(2), 'no_stream');
        await expect(lenient.append(stream, [anEvent()], 0n)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await lenient.readStream(stream)).toHaveLength(2);
      } finally {
        await lenient.close();
      }
    });

    it('refuses a kurrentdb:// URL, which this client cannot connect with, saying so', () => {
      expect(() => EventStoreDbEventStore.connect(url.replace(/^esdb(\+discover)?:/, 'kurrentdb$1:'))).toThrow(/esdb:\/\/ or esdb\+discover:\/\//);
    });

    it('stores the same ids again when appended at a later revision: ids are not unique on EventStoreDB', async () => {
      const stream = uniqueStream();
      const batch = events(2);
      await store.append(stream, batch, 'no_stream');
      await store.append(stream, [anEvent()], 1n);
      await store.append(stream, batch, 2n);
      const ids = (await store.readStream(stream)).map((e) => e.id);
      expect(ids).toHaveLength(5);
      expect(ids.slice(0, 2)).toEqual(batch.map((e) => e.id));
      expect(ids.slice(3)).toEqual(batch.map((e) => e.id));
    });

    it('keeps an operator’s $maxAge and $acl when Rollcall sets its metadata', async () => {
      const stream = uniqueStream();
      await client.setStreamMetadata(stream, { maxAge: 3_600, acl: { readRoles: ['$admins'] } });
      await store.setStreamMetadata(stream, { owner: 'organizer-1' });
      const { metadata } = await client.getStreamMetadata(stream);
      expect(metadata).toMatchObject({ maxAge: 3_600, acl: { readRoles: ['$admins'] }, rollcall: { owner: 'organizer-1' } });
      expect(await store.getStreamMetadata(stream)).toEqual({ owner: 'organizer-1' });
    });

    it('reads and appends to a tombstoned stream as StreamDeletedError', async () => {
      const stream = uniqueStream();
      await store.append(stream, [anEvent()], 'no_stream');
      await client.tombstoneStream(stream);
      await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamDeletedError);
      await expect(store.append(stream, [anEvent()], 'any')).rejects.toBeInstanceOf(StreamDeletedError);
    });

    it.skipIf(!secure)('names the user of a secure connection the server refuses, never its password', async () => {
      const withUser = url.replace(/^(esdb(?:\+discover)?:\/\/)(?:[^@/]*@)?/, '$1rollcall-contract-nobody:not-a-password@');
      const refused = EventStoreDbEventStore.connect(withUser);
      try {
        const error = await refused.readAll({ maxCount: 1 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EventStoreAccessDeniedError);
        expect((error as Error).message).toMatch(/the user "rollcall-contract-nobody" of EVENTSTORE_URL/);
        expect((error as Error).message).not.toContain('not-a-password');
      } finally {
        await refused.close();
      }
    });
  });
} else {
  console.warn('EventStoreDB contract suite SKIPPED: set EVENTSTORE_URL (e.g. esdb://127.0.0.1:2113?tls=false) to run it.');
  describe('EventStoreDB event store contract', () => {
    it.skip('SKIPPED: EVENTSTORE_URL is not set, so no EventStoreDB server to test against', () => undefined);
  });
}
