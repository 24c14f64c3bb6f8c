import type { CheckInEvent } from '../../domain/check-in/check-in.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { type StoredValues, fieldsOf, occurredAt } from '../stored-values.js';
import type { ReportBatch } from './batch.js';

/** What a check-in stream's events change in the reports: who is in at each session, which tickets a door has seen, and refusals. */

interface DoorFacts {
  /** Whether the ticket is checked in at the session afterwards, as the check-in decider folds it; undefined: as before. */
  present: boolean | undefined;
  /** Whether a door saw the ticket itself (verdicts on a held scan and undos are not sightings). */
  sighting: boolean;
  /** Why the door said no, when it did. */
  refusal: 'result' | 'invalid' | undefined;
}

/** A record, so that a door event the domain adds does not compile until it is decided what it means here. */
const DOOR: Record<CheckInEvent['type'], DoorFacts> = {
  CheckedIn: { present: true, sighting: true, refusal: undefined },
  CheckInAwaitingFace: { present: false, sighting: true, refusal: undefined },
  FaceMatched: { present: true, sighting: false, refusal: undefined },
  FaceMismatched: { present: false, sighting: false, refusal: 'result' },
  FaceUnverifiable: { present: false, sighting: false, refusal: 'result' },
  ScanRefused: { present: undefined, sighting: true, refusal: 'result' },
  // The CheckedIn of the earlier scan that supersedes it follows in the same append.
  CheckInSuperseded: { present: undefined, sighting: false, refusal: undefined },
  UnreadableTicketScanned: { present: undefined, sighting: false, refusal: 'invalid' },
  CheckInUndone: { present: false, sighting: false, refusal: undefined },
};

export const DOOR_TYPES = Object.keys(DOOR) as CheckInEvent['type'][];

export const gatherDoor = (batch: ReportBatch, recorded: RecordedEvent, v: StoredValues): void => {
  const facts = DOOR[recorded.type as CheckInEvent['type']];
  if (!facts) return;
  const data = fieldsOf<{ eventId: string; sessionId: string; registrationId: string; result: string }>(recorded.data);
  const eventId = v.uuid(data.eventId, 'eventId');
  const sessionId = v.uuid(data.sessionId, 'sessionId');
  if (eventId === null || sessionId === null) return;
  if (facts.refusal) {
    const reason = facts.refusal === 'invalid' ? 'invalid' : v.indexedText(data.result, 'result');
    if (reason !== null) batch.refusals.add([eventId, sessionId, reason], 'scans', 1);
  }
  if (recorded.type === 'UnreadableTicketScanned') return;
  const registrationId = v.uuid(data.registrationId, 'registrationId');
  if (registrationId === null) return;
  const registration = batch.registration(eventId, registrationId);
  if (registration && facts.sighting) batch.changeRegistration(registration, { doorEvents: registration.doorEvents + 1 });
  if (facts.present !== undefined) batch.setPresence(eventId, registrationId, sessionId, facts.present, occurredAt(recorded));
};
