import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { parseEventStoreUrl } from './eventstore/eventstoredb/connection-string.js';
import { EventStoreDbEventStore } from './eventstore/eventstoredb/eventstoredb-event-store.js';

describe('EVENTSTORE_URL, read by the client’s own parser', () => {
  it.each([
    ['a cluster of three nodes, which new URL() refuses', 'esdb://a:2113,b:2113,c:2113?tls=false'],
    ['DNS discovery', 'esdb+discover://cluster.example.org:2113'],
    ['credentials and options', 'esdb://ops:s3cret@eventstore:2113?tls=true&nodePreference=leader'],
  ])('accepts %s', (_, url) => {
    expect(loadConfig({ EVENTSTORE_URL: url }).eventStoreUrl).toBe(url);
  });

  it('names the user and every node given, never the password', () => {
    expect(parseEventStoreUrl('esdb://ops:s3cret@a:2113,b:2114')).toEqual({ user: 'ops', hosts: ['a:2113', 'b:2114'] });
  });

  it.each(['kurrentdb://eventstore:2113?tls=false', 'kurrentdb+discover://cluster.example.org:2113'])(
    'refuses %s, which @eventstore/db-client 6.2.1 cannot connect with, at start and at connect',
    (url) => {
      expect(() => loadConfig({ EVENTSTORE_URL: url })).toThrow(
        /^EVENTSTORE_URL is not a connection string @eventstore\/db-client 6\.2\.1 reads \(esdb:\/\/ or esdb\+discover:\/\/\): Unexpected "kurrentdb/,
      );
      expect(() => EventStoreDbEventStore.connect(url)).toThrow(/^The EventStoreDB connection string is not a connection string/);
    },
  );

  it('refuses throwOnAppendFailure=false, with which a refused append would read as a result', () => {
    expect(() => loadConfig({ EVENTSTORE_URL: 'esdb://eventstore:2113?tls=false&throwOnAppendFailure=false' })).toThrow(
      /EVENTSTORE_URL sets throwOnAppendFailure=false/,
    );
  });

  it('never repeats the password of a string it refuses', () => {
    const refusal = () => loadConfig({ EVENTSTORE_URL: 'esdb://ops:s3cret@eventstore:2113?tls=maybe' });
    expect(refusal).toThrow(/expected true or false/);
    expect(refusal).not.toThrow(/s3cret/);
  });
});
