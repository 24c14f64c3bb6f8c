import { type EmailClaimedV1, emailClaimedFromV1 } from './account/email-claim.js';
import type { DomainEvent, Fold } from './decider.js';
import type { DomainEventType } from './domain-events.js';
import type { JsonObject } from './json.js';

/**
 * Old shapes of stored events, read in the shape the code knows now. Events are never
 * rewritten: a type whose shape changes gets a step here, from its old schema version to
 * the next, and every reader that folds or projects the log decodes what it reads.
 */

/** What decoding reads of a stored event; every event store's recorded events have it. */
export interface StoredEvent {
  type: string;
  data: JsonObject;
  metadata: { schemaVersion: number };
}

type Upcast = (data: JsonObject) => JsonObject;

/**
 * Per type, the steps from one schema version to the next, the first reading version 1: a
 * type's current version is one more than its steps, so the two cannot drift apart. A step
 * trusts the data to be its version's shape, as the code of that time wrote it.
 */
const UPCASTS: { readonly [Type in DomainEventType]?: readonly Upcast[] } = {
  EmailClaimed: [(data) => emailClaimedFromV1(data as EmailClaimedV1)],
  // Version 1 held scans before door photos were kept: there is no photo, so no scan id either.
  CheckInAwaitingFace: [(data) => ({ ...data, scanId: '' })],
};

const upcastsOf = (type: string): readonly Upcast[] => (Object.hasOwn(UPCASTS, type) && UPCASTS[type as DomainEventType]) || [];

/** The schema version an event of `type` is written in now (1 for types that never changed shape). */
export const schemaVersionOf = (type: string): number => upcastsOf(type).length + 1;

/**
 * `stored` in its current shape: its data upcast from the schema version it was written in,
 * and that version raised to match. An event already current (nearly all of them) is returned
 * as it is, so decoding costs a look-up on the hot paths; so is one of a version this code
 * does not know (written by a newer one), which no step can bring down.
 */
export const decode = <Stored extends StoredEvent>(stored: Stored): Stored => {
  const upcasts = upcastsOf(stored.type);
  const version = stored.metadata.schemaVersion;
  if (!(Number.isInteger(version) && version >= 1 && version <= upcasts.length)) return stored;
  const data = upcasts.slice(version - 1).reduce((upcast, step) => step(upcast), stored.data);
  return { ...stored, data, metadata: { ...stored.metadata, schemaVersion: upcasts.length + 1 } };
};

/** The domain event `stored` holds, decoded: what a decider's `evolve` takes. */
export const domainEventOf = <Event extends DomainEvent>(stored: StoredEvent): Event => {
  const { type, data } = decode(stored);
  return { type, data } as Event;
};

/** A stream's stored events, decoded, folded into its decider's state. */
export const foldStored = <State, Event extends DomainEvent>(fold: Fold<State, Event>, stored: readonly StoredEvent[]): State =>
  stored.reduce((state, event) => fold.evolve(state, domainEventOf<Event>(event)), fold.initialState());
