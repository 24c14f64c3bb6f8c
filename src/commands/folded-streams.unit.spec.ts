import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Fold } from '../domain/decider.js';
import { MemoryEventStore } from '../eventstore/memory/memory-event-store.js';
import { anEvent } from '../../test/events.js';
import { FoldedStreams } from './folded-streams.js';

type Added = { type: 'Added'; data: { amount: number } };
const total: Fold<number, Added> = { initialState: () => 0, evolve: (sum, event) => sum + event.data.amount };

let store: MemoryEventStore;
beforeEach(() => {
  store = new MemoryEventStore();
});

const add = (stream: string, ...amounts: number[]) =>
  store.append(
    stream,
    amounts.map((amount) => anEvent('Added', { amount })),
    'any',
  );

/** The revisions each load read its stream from. */
const readsFrom = (streams: FoldedStreams) => {
  const read = vi.spyOn(store, 'readStream');
  return async (stream: string) => {
    read.mockClear();
    const state = await streams.load(total, stream);
    return { state, from: read.mock.calls.map(([, options]) => options?.fromRevision) };
  };
};

describe('folded streams', () => {
  it('fold a stream to its state, and catch up from where the last load left it', async () => {
    const load = readsFrom(new FoldedStreams(store));
    await add('a', 1, 2);
    expect(await load('a')).toEqual({ state: 3, from: [0n] });
    await add('a', 4);
    expect(await load('a')).toEqual({ state: 7, from: [2n] });
    expect(await load('a')).toEqual({ state: 7, from: [3n] });
  });

  it('fold a stream nobody wrote to its initial state', async () => {
    expect(await readsFrom(new FoldedStreams(store))('none')).toEqual({ state: 0, from: [0n] });
  });

  it('keep the most recently loaded streams only', async () => {
    const load = readsFrom(new FoldedStreams(store, 2));
    for (const stream of ['a', 'b', 'c']) await add(stream, 1);
    await load('a');
    await load('b');
    await load('a');
    await load('c');
    // b was loaded least recently, so it went when c came.
    expect((await load('b')).from).toEqual([0n]);
    expect((await load('c')).from).toEqual([1n]);
  });
});
