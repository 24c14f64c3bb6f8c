import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ERASED } from '../domain/personal-data.js';
import { eventStoreContract } from '../eventstore/event-store.contract.js';
import type { EventData, JsonObject } from '../eventstore/event-store.js';
import { MemoryEventStore } from '../eventstore/memory/memory-event-store.js';
import { MemoryPersonalDataKeys } from './memory-personal-data-keys.js';
import type { PersonalDataKeys } from './personal-data-keys.js';
import { PersonalDataEventStore, UNREADABLE, WITHHELD } from './personal-data-event-store.js';

eventStoreContract('Personal-data sealing over the in-memory', async () => {
  const store = new PersonalDataEventStore(new MemoryEventStore(), new MemoryPersonalDataKeys());
  return { store, close: () => store.close() };
});

const signedUp = (accountId: string, email = 'ann@example.org'): EventData => ({
  id: randomUUID(),
  type: 'AccountSignedUp',
  data: { accountId, email, name: 'Ann Lee', passwordHash: 'h', roles: ['attendee'], signedUpAt: '2026-05-01T00:00:00.000Z' },
  metadata: { correlationId: 'c', causationId: 'c', actorId: accountId, commandId: 'c', occurredAt: '2026-05-01T00:00:00.000Z', schemaVersion: 1 },
});

const given = () => {
  const raw = new MemoryEventStore();
  const keys = new MemoryPersonalDataKeys();
  return { raw, keys, store: new PersonalDataEventStore(raw, keys), accountId: randomUUID() };
};

const rawData = async (raw: MemoryEventStore, stream: string): Promise<JsonObject> => (await raw.readStream(stream))[0]!.data;

describe('Personal data in the log', () => {
  it('is stored sealed: the raw log holds neither the email nor the name', async () => {
    const { raw, store, accountId } = given();
    await store.append(`account-${accountId}`, [signedUp(accountId)], 'no_stream');
    const stored = JSON.stringify(await rawData(raw, `account-${accountId}`));
    expect(stored).not.toContain('ann@example.org');
    expect(stored).not.toContain('Ann Lee');
    expect(stored).toContain(accountId);
  });

  it('reads as withheld through withheld(), which looks up no key, and leaves the rest of the event as it is', async () => {
    const { raw, keys, accountId } = given();
    const asked: string[] = [];
    const counted: PersonalDataKeys = { keyFor: keys.keyFor.bind(keys), erase: keys.erase.bind(keys), lookup: (ids) => (asked.push(...ids), keys.lookup(ids)) };
    const store = new PersonalDataEventStore(raw, counted);
    const event = signedUp(accountId);
    await store.append(`account-${accountId}`, [event], 'no_stream');
    const [withheld] = await store.withheld().readStream(`account-${accountId}`);
    expect(withheld!.data).toEqual({ ...event.data, email: WITHHELD, name: WITHHELD });
    expect(asked).toEqual([]);
    expect((await store.readStream(`account-${accountId}`))[0]!.data).toEqual(event.data);
    expect(asked).toEqual([accountId]);
  });

  it('reads back as written, by stream, from all and by subscription', async () => {
    const { store, accountId } = given();
    const event = signedUp(accountId);
    await store.append(`account-${accountId}`, [event], 'no_stream');
    expect((await store.readStream(`account-${accountId}`))[0]!.data).toEqual(event.data);
    expect((await store.readAll()).find((e) => e.id === event.id)!.data).toEqual(event.data);
    const subscription = store.subscribeToAll();
    for await (const recorded of subscription) {
      expect(recorded.data).toEqual(event.data);
      break;
    }
    await subscription.close();
  });

  it('reads as erased once its person is erased, other people untouched', async () => {
    const { store, keys, accountId } = given();
    const other = randomUUID();
    await store.append(`account-${accountId}`, [signedUp(accountId)], 'no_stream');
    await store.append(`account-${other}`, [signedUp(other, 'bob@example.org')], 'no_stream');
    await keys.erase(accountId);
    expect((await store.readStream(`account-${accountId}`))[0]!.data).toMatchObject({ accountId, email: ERASED, name: ERASED, passwordHash: 'h' });
    expect((await store.readStream(`account-${other}`))[0]!.data).toMatchObject({ email: 'bob@example.org' });
  });

  it('refuses to record anything personal about an erased person', async () => {
    const { store, keys, accountId } = given();
    await keys.erase(accountId);
    await expect(store.append(`account-${accountId}`, [signedUp(accountId)], 'any')).rejects.toThrow(/erased/);
  });

  it('hides plain data written before sealing began once its person is erased', async () => {
    const { raw, store, keys, accountId } = given();
    await raw.append(`account-${accountId}`, [signedUp(accountId)], 'no_stream');
    expect((await store.readStream(`account-${accountId}`))[0]!.data).toMatchObject({ email: 'ann@example.org' });
    await keys.erase(accountId);
    expect((await store.readStream(`account-${accountId}`))[0]!.data).toMatchObject({ email: ERASED, name: ERASED });
  });

  it('reads a ciphertext moved to another event as unreadable, never as the data', async () => {
    const { raw, store, accountId } = given();
    await store.append(`account-${accountId}`, [signedUp(accountId)], 'no_stream');
    const moved = { ...signedUp(accountId), data: { ...(await rawData(raw, `account-${accountId}`)) } };
    await raw.append(`account-${accountId}`, [moved], 'any');
    expect((await store.readStream(`account-${accountId}`))[1]!.data).toMatchObject({ email: UNREADABLE, name: UNREADABLE });
  });
});
