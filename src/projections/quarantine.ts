import { randomUUID } from 'node:crypto';
import { deterministicId } from '../commands/deterministic-id.js';
import { projectionStream } from '../domain/streams.js';
import type { EventStore, RecordedEvent } from '../eventstore/event-store.js';
import { fieldsOf } from './stored-values.js';

/**
 * Operators' decisions that a projection skips an event it cannot apply. They are events
 * themselves, in the projection's own stream: recorded with who and why, honoured by the
 * live runner, by rebuilds and by verifications alike, and never lost with a read model.
 */
export type ProjectionDecision = {
  type: 'ProjectionEventQuarantined';
  data: { projection: string; eventId: string; reason: string; by: string; at: string };
};

export type QuarantinedEvent = Omit<ProjectionDecision['data'], 'projection'>;

const QUARANTINED: ProjectionDecision['type'] = 'ProjectionEventQuarantined';

/** Where the decisions about projection `name` are kept. */
export const decisionStream = projectionStream;

/** The decision `recorded` holds, if it is a quarantine of projection `name`; a malformed one counts as none. */
const decisionOf = (name: string, recorded: RecordedEvent): QuarantinedEvent | undefined => {
  if (recorded.streamId !== decisionStream(name) || recorded.type !== QUARANTINED) return undefined;
  const { eventId, reason, by, at } = fieldsOf<ProjectionDecision['data']>(recorded.data);
  if (typeof eventId !== 'string') return undefined;
  return { eventId: eventId.toLowerCase(), reason: String(reason ?? ''), by: String(by ?? ''), at: String(at ?? recorded.recordedAt.toISOString()) };
};

/** The events a projection skips, by event id. */
export class Quarantine {
  private constructor(
    private readonly name: string,
    private readonly decided: Map<string, QuarantinedEvent>,
  ) {}

  /** Every decision about projection `name` stored so far. */
  static async load(store: EventStore, name: string): Promise<Quarantine> {
    const quarantine = new Quarantine(name, new Map());
    for (const recorded of await store.readStream(decisionStream(name))) quarantine.learn(recorded);
    return quarantine;
  }

  get events(): QuarantinedEvent[] {
    return [...this.decided.values()];
  }

  has(eventId: string): boolean {
    return this.decided.has(eventId.toLowerCase());
  }

  /**
   * The events of `batch` to apply: all but the quarantined ones. Decisions in the batch are
   * learnt first, so one stored after the event it names still counts for a later batch, and
   * one stored before it (an operator who saw it coming) counts within the batch.
   */
  sift(batch: readonly RecordedEvent[]): { apply: RecordedEvent[]; skipped: RecordedEvent[] } {
    for (const recorded of batch) this.learn(recorded);
    const apply: RecordedEvent[] = [];
    const skipped: RecordedEvent[] = [];
    for (const recorded of batch) (this.has(recorded.id) ? skipped : apply).push(recorded);
    return { apply, skipped };
  }

  private learn(recorded: RecordedEvent): void {
    const decision = decisionOf(this.name, recorded);
    if (decision && !this.decided.has(decision.eventId)) this.decided.set(decision.eventId, decision);
  }
}

export const readQuarantined = async (store: EventStore, name: string): Promise<QuarantinedEvent[]> => (await Quarantine.load(store, name)).events;

/**
 * Records that projection `name` skips `eventId`. A second decision about one event is not
 * stored: the first one stands and is returned with `recorded: false`.
 */
export const quarantineEvent = async (
  store: EventStore,
  decision: { projection: string; eventId: string; reason: string; by: string },
  now = new Date(),
): Promise<{ decision: QuarantinedEvent; recorded: boolean }> => {
  const { projection, reason, by } = decision;
  const eventId = decision.eventId.toLowerCase();
  const earlier = (await Quarantine.load(store, projection)).events.find((q) => q.eventId === eventId);
  if (earlier) return { decision: earlier, recorded: false };
  const data: ProjectionDecision['data'] = { projection, eventId, reason, by, at: now.toISOString() };
  await store.append(
    decisionStream(projection),
    [
      {
        // Derived from what it decides, so two operators racing on one event store it once.
        id: deterministicId('projection-quarantine', projection, eventId),
        type: QUARANTINED,
        data,
        metadata: {
          correlationId: randomUUID(),
          causationId: randomUUID(),
          actorId: by,
          commandId: randomUUID(),
          occurredAt: data.at,
          schemaVersion: 1,
        },
      },
    ],
    'any',
  );
  return { decision: { eventId, reason, by, at: data.at }, recorded: true };
};
