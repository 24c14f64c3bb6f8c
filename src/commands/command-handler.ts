import { setTimeout as sleep } from 'node:timers/promises';
import type { Decider, DomainEvent } from '../domain/decider.js';
import { WrongExpectedRevisionError } from '../eventstore/errors.js';

export type { Decider, DomainEvent } from '../domain/decider.js';
import type { EventStore, RecordedEvent } from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';
import { deterministicId } from './deterministic-id.js';
import { KeyedQueue } from './keyed-queue.js';

type Fold<State, Event extends DomainEvent> = Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>;

/** Who sent a command, and which request it belongs to; stamped on every event it causes. */
export interface CommandContext {
  commandId: string;
  actorId: string;
  correlationId: string;
  causationId: string;
  now: Date;
}

export interface CommandResult<State, Event> {
  /** The events this command caused (the first time it was handled, if it is a resend). */
  events: Event[];
  /** The stream's state right after them. */
  state: State;
  /** Global position of the command's last event; absent when it changed nothing. */
  position: Position | undefined;
  /** True when the command had been handled before and nothing new was written. */
  replayed: boolean;
}

interface Cached<State, Event> {
  state: State;
  revision: bigint;
  /** Per command id, what it wrote and the state it left, so a resend gets the same answer. */
  handled: Map<string, { events: Event[]; state: State; position: Position }>;
}

/** Conflicts only come from other processes (this one queues per stream), so they are few; a hot stream still settles well within this. */
const MAX_CONFLICT_RETRIES = 100;
const MAX_BACKOFF_MS = 20;
const MAX_CACHED_STREAMS = 10_000;

/**
 * Loads a stream, folds it, decides, appends with the expected revision. Streams are
 * cached and caught up from the store before every decision; commands on one stream are
 * queued in-process and retried on a conflict with another process.
 */
export class CommandHandler {
  private readonly queue = new KeyedQueue();
  private readonly cache = new Map<string, Cached<unknown, DomainEvent>>();

  constructor(private readonly store: EventStore) {}

  handle<Command, State, Event extends DomainEvent>(
    decider: Decider<Command, State, Event>,
    streamId: string,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult<State, Event>> {
    return this.queue.run(streamId, async () => {
      for (let attempt = 1; ; attempt++) {
        const stream = await this.catchUp(decider, streamId);
        const earlier = stream.handled.get(context.commandId);
        if (earlier) return { ...earlier, replayed: true };
        const events = decider.decide(command, stream.state);
        if (events.length === 0) return { events, state: stream.state, position: undefined, replayed: false };
        try {
          const appended = await this.store.append(
            streamId,
            events.map((event, index) => ({
              id: deterministicId(context.commandId, streamId, String(index)),
              type: event.type,
              data: event.data,
              metadata: {
                correlationId: context.correlationId,
                causationId: context.causationId,
                actorId: context.actorId,
                commandId: context.commandId,
                occurredAt: context.now.toISOString(),
                schemaVersion: 1,
              },
            })),
            stream.revision < 0n ? 'no_stream' : stream.revision,
          );
          const state = events.reduce(decider.evolve, stream.state);
          stream.state = state;
          stream.revision = appended.nextExpectedRevision;
          stream.handled.set(context.commandId, { events, state, position: appended.position });
          return { events, state, position: appended.position, replayed: false };
        } catch (error) {
          // Another process wrote first: catch up and decide again on what it wrote.
          if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
          // Jitter keeps processes that keep colliding from colliding in lockstep.
          await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
        }
      }
    });
  }

  /** The stream's current state, for a decision on another stream that depends on it. */
  load<State, Event extends DomainEvent>(decider: Fold<State, Event>, streamId: string): Promise<State> {
    return this.queue.run(streamId, async () => (await this.catchUp(decider, streamId)).state);
  }

  /** The cached stream, brought up to date with whatever the store has beyond it. */
  private async catchUp<State, Event extends DomainEvent>(
    decider: Fold<State, Event>,
    streamId: string,
  ): Promise<Cached<State, Event>> {
    let stream = this.cache.get(streamId) as Cached<State, Event> | undefined;
    if (stream) this.cache.delete(streamId);
    stream ??= { state: decider.initialState(), revision: -1n, handled: new Map() };
    const newer = await this.store.readStream(streamId, { fromRevision: stream.revision + 1n });
    for (const recorded of newer) this.apply(decider, stream, recorded);
    this.cache.set(streamId, stream as Cached<unknown, DomainEvent>);
    if (this.cache.size > MAX_CACHED_STREAMS) this.cache.delete(this.cache.keys().next().value!);
    return stream;
  }

  private apply<State, Event extends DomainEvent>(
    decider: Fold<State, Event>,
    stream: Cached<State, Event>,
    recorded: RecordedEvent,
  ): void {
    const event = { type: recorded.type, data: recorded.data } as Event;
    stream.state = decider.evolve(stream.state, event);
    stream.revision = recorded.revision;
    const commandId = recorded.metadata.commandId;
    const earlier = stream.handled.get(commandId);
    stream.handled.set(commandId, {
      events: [...(earlier?.events ?? []), event],
      state: stream.state,
      position: recorded.position,
    });
  }
}
