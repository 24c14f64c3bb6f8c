import { domainEventOf } from '../domain/decode.js';
import type { DomainEvent, Fold } from '../domain/decider.js';
import type { EventStore } from '../eventstore/event-store.js';

/** Streams kept at once; beyond it the least recently loaded is dropped. */
const KEPT_STREAMS = 10_000;

/** Whoever folds a stream to read it: the command handler, or {@link FoldedStreams}. */
export interface StreamLoader {
  load<State, Event extends DomainEvent>(fold: Fold<State, Event>, streamId: string): Promise<State>;
}

/**
 * Streams folded to their current state for reading only (the session check's accounts):
 * each load catches up from the store, from the state kept at its last load. The command
 * handler keeps more per stream, each command's answer and the state after it, for the
 * resends a reader never sends; an on-sale's 100,000 first requests each folded an account
 * the api would not read again, and its answers stayed until 10,000 others pushed them out,
 * long enough to be copied by every young-generation collection in between.
 */
export class FoldedStreams implements StreamLoader {
  private readonly kept = new Map<string, { state: unknown; revision: bigint }>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = KEPT_STREAMS,
  ) {}

  async load<State, Event extends DomainEvent>(fold: Fold<State, Event>, streamId: string): Promise<State> {
    const kept = this.kept.get(streamId);
    let state = kept ? (kept.state as State) : fold.initialState();
    let revision = kept?.revision ?? -1n;
    for (const recorded of await this.store.readStream(streamId, { fromRevision: revision + 1n })) {
      state = fold.evolve(state, domainEventOf<Event>(recorded));
      revision = recorded.revision;
    }
    // Loads of one stream may overlap and finish in any order: the furthest is kept.
    const latest = this.kept.get(streamId);
    if (!latest || latest.revision <= revision) {
      this.kept.delete(streamId);
      this.kept.set(streamId, { state, revision });
      if (this.kept.size > this.capacity) this.kept.delete(this.kept.keys().next().value!);
    }
    return state;
  }
}
