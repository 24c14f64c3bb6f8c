/** The GraphQL documents the fleet proof sends besides the security audit's (src/security/audit/documents.ts). */

export const REJECT_REGISTRATION = `mutation ($eventId: ID!, $registrationId: ID!, $reason: String!) {
  rejectRegistration(eventId: $eventId, registrationId: $registrationId, reason: $reason) { status position } }`;

export const CANCEL_REGISTRATION = `mutation ($eventId: ID!, $registrationId: ID!) {
  cancelRegistration(eventId: $eventId, registrationId: $registrationId) { status position } }`;

export const EVENT_COUNTS = `query ($eventId: ID!, $at: String) {
  event(eventId: $eventId, atPosition: $at) { counts { confirmed pending waitlisted } sessions { sessionId checkedIn } } }`;

export const REGISTRATIONS = `query ($eventId: ID!, $status: RegistrationStatus, $after: String, $at: String) {
  registrations(eventId: $eventId, status: $status, first: 100, after: $after, atPosition: $at) {
    nodes { registrationId attendeeId } pageInfo { endCursor hasNextPage } } }`;

export const ATTENDANCE_FORECAST = `query ($eventId: ID!) { attendanceForecast(eventId: $eventId) {
  computedAt sessions { sessionId confirmed expectedAttendance low high registrations { registrationId probability } } } }`;

export const REBUILD_PROJECTION = `mutation ($name: String!) { rebuildProjection(name: $name) { id state createdOn } }`;

export const REBUILD_JOB = `query ($id: ID!) { rebuildJob(id: $id) { state completedOn output } }`;

export const CHECK_IN_RECORDED = `subscription ($eventId: ID!) { checkInRecorded(eventId: $eventId) { position registrationId result } }`;
