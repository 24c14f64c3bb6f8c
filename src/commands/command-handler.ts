// Over 300 lines on purpose: batching, conflict retries, guessed new streams and resends all work on the one cached stream per id; split apart, each would reach into the others' state.
import { setTimeout as sleep } from 'node:timers/promises';
import { domainEventOf, schemaVersionOf } from '../domain/decode.js';
import type { Decider, DomainEvent, Fold } from '../domain/decider.js';
import { DomainError } from '../domain/domain-error.js';
import { DuplicateEventIdError, EventStoreError, WrongExpectedRevisionError } from '../eventstore/errors.js';
import type { EventData, EventStore, RecordedEvent } from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';
import { type Answer, AnswersFromStream } from './answers-from-stream.js';
import { deterministicId } from './deterministic-id.js';
import { IdempotencyKeys, keyReused } from './idempotency-keys.js';

export type { Decider, DomainEvent } from '../domain/decider.js';

/** Told of the command side's work, for its metrics. */
export interface CommandObserver {
  /** Each command handled: its type, `ok`, `replayed` or the refusal's code, and its seconds. */
  handled(command: string, outcome: string, seconds: number): void;
  /** Each append of commands' events, once stored. */
  appended(events: readonly EventData[]): void;
}

const NO_OBSERVER: CommandObserver = { handled: () => undefined, appended: () => undefined };

/** A refusal's stable code (VALIDATION, CONFLICT, …), or `error` for anything unexpected. */
const outcomeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return (error instanceof DomainError || error instanceof EventStoreError) && typeof code === 'string' ? code : 'error';
};

/** Who sent a command, and which request it belongs to; stamped on every event it causes. */
export interface CommandContext {
  commandId: string;
  actorId: string;
  correlationId: string;
  causationId: string;
  now: Date;
  /**
   * A digest of the operation and arguments the command id was sent with, stored with its
   * events: a resend must match it, so a reused id cannot silently answer another request.
   */
  requestHash?: string;
  /** The client chose the command id (rather than leaving it to the server): it is bound to the request across streams. */
  keyedByClient?: boolean;
}

/** How to handle a command, beyond who sent it. */
export interface HandleOptions {
  /**
   * The stream is most likely new (a ticket's first scan at a session): where the store tells
   * a retried append from a fresh one, the handler decides on the empty stream and appends
   * without reading it first, and reads it only if that guess proves wrong.
   */
  likelyNewStream?: boolean;
}

export interface CommandResult<State, Event> {
  /** The events this command caused (the first time it was handled, if it is a resend). */
  events: Event[];
  /** The stream's state right after them. */
  state: State;
  /**
   * A global position by which the command's events are stored: that of the last event of
   * the append that carried them (commands on one stream are appended in batches), or of
   * the command's own last event for a resend answered from the stream (see Cached.answers).
   * Absent when the command changed nothing.
   */
  position: Position | undefined;
  /** True when the command had been handled before and nothing new was written. */
  replayed: boolean;
}

/** What is kept of every command a stream holds: enough to refuse a reused id at once and to find its answer in the stream again. */
interface Handled {
  /** The revision of its last event. */
  revision: bigint;
  /** Absent for the system's own commands and for events stored before requests were fingerprinted. */
  requestHash: string | undefined;
}

interface Cached<State, Event> {
  state: State;
  revision: bigint;
  /** Per command id, every command the stream holds. */
  handled: Map<string, Handled>;
  /**
   * The answers of the stream's latest commands, oldest first: a resend soon after is answered
   * from here, an older one from the stream (answers-from-stream.ts). Keeping every answer kept
   * every version of the state: 6.8 kB a registration on a hot event, 680 MB for 100,000, which
   * each full garbage collection marked again.
   */
  answers: Map<string, Answer<State, Event>>;
}

type Work =
  | { kind: 'load'; fold: Fold<any, any>; resolve: (state: any) => void; reject: (error: unknown) => void }
  | {
      kind: 'command';
      fold: Decider<any, any, any>;
      command: unknown;
      context: CommandContext;
      likelyNewStream: boolean;
      resolve: (result: CommandResult<any, any>) => void;
      reject: (error: unknown) => void;
    };
type CommandWork = Extract<Work, { kind: 'command' }>;

/** Conflicts only come from other processes (this one queues per stream), so they are few; a hot stream still settles well within this. */
const MAX_CONFLICT_RETRIES = 100;
const MAX_BACKOFF_MS = 20;
/** Commands decided together and stored in one append; bounded so an append stays far below the size limit. */
const MAX_BATCH = 100;
const MAX_CACHED_STREAMS = 10_000;
/** Answers kept per stream (see Cached.answers): at 2,000 commands a second on one event, the last half second. */
const RECENT_ANSWERS = 1_000;

const emptyStream = (fold: Fold<unknown, DomainEvent>): Cached<unknown, DomainEvent> => ({
  state: fold.initialState(),
  revision: -1n,
  handled: new Map(),
  answers: new Map(),
});

/**
 * A command the system sends itself (no fingerprint) is matched by its id alone. A client's
 * request matches only the same fingerprint: a command stored before fingerprints cannot be
 * told apart from another request, and refusing it is safer than answering for it.
 */
const sameRequest = (earlier: string | undefined, now: string | undefined): boolean => !now || earlier === now;

/**
 * Loads a stream, folds it, decides, appends with the expected revision.
 *
 * Work on one stream runs one batch at a time: the commands that queued up meanwhile are
 * decided one after another on the evolving state and stored in a single append, so a hot
 * stream (an event everyone registers for) costs one round trip per batch rather than per
 * command. Streams are cached and caught up from the store before every batch (but for a
 * stream new to this process that its commands expect to be new: `likelyNewStream`); a
 * conflict with another process re-decides the whole batch on what that process wrote.
 */
export class CommandHandler {
  private readonly queues = new Map<string, Work[]>();
  private readonly cache = new Map<string, Cached<unknown, DomainEvent>>();
  private readonly older: AnswersFromStream;
  private readonly keys: IdempotencyKeys;
  private readonly recentAnswers: number;

  constructor(
    private readonly store: EventStore,
    /** Told of every command handled and every append (src/observability's metrics). */
    private readonly observer: CommandObserver = NO_OBSERVER,
    { recentAnswers = RECENT_ANSWERS }: { recentAnswers?: number } = {},
  ) {
    this.keys = new IdempotencyKeys(store);
    this.older = new AnswersFromStream(store);
    this.recentAnswers = recentAnswers;
  }

  async handle<Command, State, Event extends DomainEvent>(
    decider: Decider<Command, State, Event>,
    streamId: string,
    command: Command,
    context: CommandContext,
    options: HandleOptions = {},
  ): Promise<CommandResult<State, Event>> {
    const started = performance.now();
    const type = typeof (command as { type?: unknown }).type === 'string' ? (command as { type: string }).type : 'unknown';
    const seconds = () => (performance.now() - started) / 1_000;
    try {
      const { requestHash } = context;
      if (context.keyedByClient && requestHash) await this.keys.bind({ ...context, requestHash });
      const result = await new Promise<CommandResult<State, Event>>((resolve, reject) =>
        this.enqueue(streamId, { kind: 'command', fold: decider, command, context, likelyNewStream: options.likelyNewStream === true, resolve, reject }),
      );
      this.observer.handled(type, result.replayed ? 'replayed' : 'ok', seconds());
      return result;
    } catch (error) {
      this.observer.handled(type, outcomeOf(error), seconds());
      throw error;
    }
  }

  /** The stream's committed state, caught up after the call, for a decision on another stream that depends on it. */
  load<State, Event extends DomainEvent>(fold: Fold<State, Event>, streamId: string): Promise<State> {
    return new Promise((resolve, reject) => this.enqueue(streamId, { kind: 'load', fold, resolve, reject }));
  }

  private enqueue(streamId: string, work: Work): void {
    const queue = this.queues.get(streamId);
    if (queue) {
      queue.push(work);
      return;
    }
    this.queues.set(streamId, [work]);
    void this.drain(streamId);
  }

  private async drain(streamId: string): Promise<void> {
    const queue = this.queues.get(streamId)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        await this.runBatch(streamId, batch);
      } catch (error) {
        for (const work of batch) work.reject(error);
      }
    }
    this.queues.delete(streamId);
  }

  private async runBatch(streamId: string, batch: Work[]): Promise<void> {
    if (this.mayGuessNew(streamId, batch) && (await this.appendToNewStream(streamId, batch as CommandWork[]))) return;
    let commands = batch;
    for (let attempt = 1; ; attempt++) {
      const stream = await this.catchUp(batch[0]!.fold, streamId);
      for (const work of commands) if (work.kind === 'load') work.resolve(stream.state);
      commands = commands.filter((work) => work.kind === 'command');
      try {
        await this.decideAndAppend(streamId, stream, commands as CommandWork[]);
        return;
      } catch (error) {
        // Another process wrote first: catch up and decide again on what it wrote.
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
        // Jitter keeps processes that keep colliding from colliding in lockstep.
        await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
      }
    }
  }

  /** Only commands that all expect a new stream, on a stream this process has not seen, and a store that can tell whether the guess held. */
  private mayGuessNew(streamId: string, batch: Work[]): boolean {
    return this.store.tellsReplays && !this.cache.has(streamId) && batch.every((work) => work.kind === 'command' && work.likelyNewStream);
  }

  /**
   * The batch decided on the empty stream and appended as its start, unread. Done (true) only
   * if every command decided to write and the store wrote them now. Otherwise nothing is
   * answered (false): the stream existed, or held these commands already (a resend, whose
   * first answer the stored events give), or a decision on the empty stream may not be the
   * one its real state gives; the caller then reads it and decides again.
   */
  private async appendToNewStream(streamId: string, batch: CommandWork[]): Promise<boolean> {
    try {
      return await this.decideAndAppend(streamId, emptyStream(batch[0]!.fold), batch, true);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError) return false;
      throw error;
    }
  }

  /**
   * Decides each command on the state its predecessors in the batch left, then stores all their
   * events at once. `guessed`: the state is a guess, so nothing is settled unless every command
   * decided to write and the append wrote (false back); then the stream is cached as written.
   */
  private async decideAndAppend(streamId: string, stream: Cached<unknown, DomainEvent>, batch: CommandWork[], guessed = false): Promise<boolean> {
    let state = stream.state;
    const toAppend: EventData[] = [];
    const decided = new Map<string, { work: CommandWork[]; events: DomainEvent[]; state: unknown; requestHash: string | undefined; last: number }>();
    const settle: (() => void)[] = [];
    for (const work of batch) {
      const { commandId } = work.context;
      const inBatch = decided.get(commandId);
      const handled = stream.handled.get(commandId);
      const earlier = inBatch ?? handled;
      if (earlier && !sameRequest(earlier.requestHash, work.context.requestHash)) {
        settle.push(() => work.reject(keyReused()));
        continue;
      }
      if (inBatch) {
        // The same command twice in one batch: the second is a resend of the first.
        inBatch.work.push(work);
        continue;
      }
      if (handled) {
        // Taken now: the answers of this batch's commands may push it out before it settles.
        const answer = stream.answers.get(commandId);
        const { revision } = handled;
        settle.push(() =>
          (answer ? Promise.resolve(answer) : this.older.answer(work.fold, streamId, commandId, revision)).then(
            (found) => work.resolve({ ...found, replayed: true }),
            work.reject,
          ),
        );
        continue;
      }
      let events: DomainEvent[];
      try {
        events = work.fold.decide(work.command, state);
      } catch (error) {
        settle.push(() => work.reject(error));
        continue;
      }
      if (events.length === 0) {
        const unchanged = state;
        settle.push(() => work.resolve({ events, state: unchanged, position: undefined, replayed: false }));
        continue;
      }
      state = events.reduce(work.fold.evolve, state);
      toAppend.push(...events.map((event, index) => this.toEventData(event, index, streamId, work.context)));
      decided.set(commandId, { work: [work], events, state, requestHash: work.context.requestHash, last: toAppend.length - 1 });
    }

    if (guessed && (settle.length > 0 || toAppend.length === 0)) return false;
    if (toAppend.length > 0) {
      const appended = await this.store.append(streamId, toAppend, stream.revision < 0n ? 'no_stream' : stream.revision);
      if (guessed && appended.replayed !== false) return false;
      this.observer.appended(toAppend);
      stream.state = state;
      stream.revision = appended.nextExpectedRevision;
      for (const [commandId, outcome] of decided) {
        const answer = { events: outcome.events, state: outcome.state, position: appended.position };
        // The append's last event is at nextExpectedRevision; the command's last event is this many before it.
        const revision = appended.nextExpectedRevision - BigInt(toAppend.length - 1 - outcome.last);
        this.record(stream, commandId, { revision, requestHash: outcome.requestHash }, answer);
        outcome.work.forEach((work, i) => work.resolve({ ...answer, replayed: i > 0 }));
      }
      if (guessed) this.remember(streamId, stream);
    }
    for (const done of settle) done();
    return true;
  }

  private toEventData(event: DomainEvent, index: number, streamId: string, context: CommandContext): EventData {
    return {
      // Derived from the command, so a resent command can never be stored twice.
      id: deterministicId(context.commandId, streamId, String(index)),
      type: event.type,
      data: event.data,
      metadata: {
        correlationId: context.correlationId,
        causationId: context.causationId,
        actorId: context.actorId,
        commandId: context.commandId,
        occurredAt: context.now.toISOString(),
        schemaVersion: schemaVersionOf(event.type),
        ...(context.requestHash ? { requestHash: context.requestHash } : {}),
      },
    };
  }

  /** The cached stream, brought up to date with whatever the store has beyond it. */
  private async catchUp(fold: Fold<unknown, DomainEvent>, streamId: string): Promise<Cached<unknown, DomainEvent>> {
    let stream = this.cache.get(streamId);
    if (stream) this.cache.delete(streamId);
    stream ??= emptyStream(fold);
    const newer = await this.store.readStream(streamId, { fromRevision: stream.revision + 1n });
    for (const recorded of newer) this.apply(fold, stream, recorded);
    this.remember(streamId, stream);
    return stream;
  }

  private remember(streamId: string, stream: Cached<unknown, DomainEvent>): void {
    this.cache.set(streamId, stream);
    if (this.cache.size > MAX_CACHED_STREAMS) this.cache.delete(this.cache.keys().next().value!);
  }

  private apply(fold: Fold<unknown, DomainEvent>, stream: Cached<unknown, DomainEvent>, recorded: RecordedEvent): void {
    // Decoded: a stream written by an earlier version folds in the shape `evolve` reads now.
    const event = domainEventOf(recorded);
    stream.state = fold.evolve(stream.state, event);
    stream.revision = recorded.revision;
    const { commandId, requestHash } = recorded.metadata;
    const earlier = stream.answers.get(commandId);
    this.record(
      stream,
      commandId,
      { revision: recorded.revision, requestHash: typeof requestHash === 'string' ? requestHash : undefined },
      { events: [...(earlier?.events ?? []), event], state: stream.state, position: recorded.position },
    );
  }

  private record(stream: Cached<unknown, DomainEvent>, commandId: string, handled: Handled, answer: Answer<unknown, DomainEvent>): void {
    stream.handled.set(commandId, handled);
    stream.answers.set(commandId, answer);
    if (stream.answers.size > this.recentAnswers) stream.answers.delete(stream.answers.keys().next().value!);
  }
}
