import { domainEventOf } from '../domain/decode.js';
import type { DomainEvent, Fold } from '../domain/decider.js';
import type { EventStore } from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';

/** What a command wrote and the state it left: a resend's answer. */
export interface Answer<State, Event> {
  events: Event[];
  state: State;
  position: Position;
}

/** A resend waiting for its answer to be read from the stream. */
interface Replay {
  commandId: string;
  revision: bigint;
  resolve: (answer: Answer<unknown, DomainEvent>) => void;
  reject: (error: unknown) => void;
}

/** Events per read. */
const PAGE = 1_000;

/**
 * The answers of commands handled too long ago for the command handler to keep them, found
 * again by folding their stream up to the command's last event. A resend that long after its
 * command is rare, and costs a read of the stream so far; resends of one stream that wait
 * meanwhile share the next read, so a flood of them costs one read at a time, not one each.
 */
export class AnswersFromStream {
  /** By stream. */
  private readonly waiting = new Map<string, Replay[]>();

  constructor(private readonly store: EventStore) {}

  /** The answer of the command `commandId`, whose last event is at `revision` of the stream. */
  answer(fold: Fold<unknown, DomainEvent>, streamId: string, commandId: string, revision: bigint): Promise<Answer<unknown, DomainEvent>> {
    return new Promise((resolve, reject) => {
      const replay = { commandId, revision, resolve, reject };
      const waiting = this.waiting.get(streamId);
      if (waiting) {
        waiting.push(replay);
        return;
      }
      this.waiting.set(streamId, [replay]);
      // After the batch that found this resend has settled the others it found.
      queueMicrotask(() => void this.run(fold, streamId));
    });
  }

  private async run(fold: Fold<unknown, DomainEvent>, streamId: string): Promise<void> {
    const waiting = this.waiting.get(streamId)!;
    while (waiting.length > 0) {
      const replays = waiting.splice(0);
      try {
        await this.refold(fold, streamId, replays);
      } catch (error) {
        for (const replay of replays) replay.reject(error);
      }
    }
    this.waiting.delete(streamId);
  }

  private async refold(fold: Fold<unknown, DomainEvent>, streamId: string, replays: Replay[]): Promise<void> {
    const wanted = new Map<string, { revision: bigint; events: DomainEvent[]; replays: Replay[] }>();
    for (const replay of replays) {
      const entry = wanted.get(replay.commandId) ?? { revision: replay.revision, events: [], replays: [] };
      entry.replays.push(replay);
      wanted.set(replay.commandId, entry);
    }
    const until = replays.reduce((last, { revision }) => (revision > last ? revision : last), -1n);
    let state = fold.initialState();
    for (let from = 0n; from <= until; from += BigInt(PAGE)) {
      const page = await this.store.readStream(streamId, { fromRevision: from, maxCount: PAGE });
      for (const recorded of page) {
        if (recorded.revision > until) break;
        const event = domainEventOf(recorded);
        state = fold.evolve(state, event);
        const entry = wanted.get(recorded.metadata.commandId);
        if (!entry) continue;
        entry.events.push(event);
        if (recorded.revision !== entry.revision) continue;
        for (const replay of entry.replays) replay.resolve({ events: entry.events, state, position: recorded.position });
        wanted.delete(recorded.metadata.commandId);
      }
      if (page.length < PAGE) break;
    }
    for (const { replays: unanswered } of wanted.values())
      for (const replay of unanswered) replay.reject(new Error(`Command ${replay.commandId} is no longer at revision ${replay.revision} of ${streamId}`));
  }
}
