/** The GraphQL documents more than one part of the audit sends, written as a client of schema.graphql would. */

export const SIGN_UP = `mutation ($email: String!, $password: String!, $name: String!) {
  signUp(email: $email, password: $password, name: $name) { accountId position } }`;

export const VERIFY_EMAIL = `mutation ($token: String!) { verifyEmail(token: $token) { account { id emailVerified } position } }`;

export const LOG_IN = `mutation ($email: String!, $password: String!) {
  logIn(email: $email, password: $password) { accessToken expiresAt refreshToken account { id roles } position } }`;

export const REFRESH_TOKEN = `mutation ($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { accessToken } }`;

export const LOG_OUT = `mutation ($refreshToken: String!) { logOut(refreshToken: $refreshToken) { position } }`;

export const ME = `{ me { id email name roles } }`;

export const HEALTH = `{ health { status } }`;

export const GRANT_ROLE = `mutation ($accountId: ID!, $role: AccountRole!) { grantRole(accountId: $accountId, role: $role) { account { id roles } position } }`;

export const DISABLE_ACCOUNT = `mutation ($accountId: ID!) { disableAccount(accountId: $accountId) { account { id } position } }`;

export const ERASE_ACCOUNT = `mutation ($accountId: ID!) { eraseAccount(accountId: $accountId) { accountId erasedAt position } }`;

/** The largest page of a stream's history, which STREAM_HISTORY asks for: a shorter page is the last. */
export const STREAM_HISTORY_PAGE = 100;

export const STREAM_HISTORY = `query ($streamId: String!, $after: String) {
  streamHistory(streamId: $streamId, first: ${STREAM_HISTORY_PAGE}, after: $after) { revision eventId type data } }`;

export const CREATE_EVENT = `mutation ($details: EventDetailsInput!, $capacity: Int!) {
  createEvent(details: $details, capacity: $capacity) { eventId position } }`;

export const SCHEDULE_SESSIONS = `mutation ($eventId: ID!, $plan: SessionPlanInput!) {
  scheduleSessions(eventId: $eventId, plan: $plan) { sessions { sessionId } position } }`;

export const ASSIGN_STAFF = `mutation ($eventId: ID!, $staffId: ID!) { assignStaff(eventId: $eventId, staffId: $staffId) { eventId position } }`;

export const PUBLISH_EVENT = `mutation ($eventId: ID!) { publishEvent(eventId: $eventId) { eventId position } }`;

export const UPDATE_EVENT = `mutation ($eventId: ID!, $changes: EventChangesInput!) { updateEvent(eventId: $eventId, changes: $changes) { eventId position } }`;

export const REGISTER = `mutation ($eventId: ID!) { register(eventId: $eventId) { registrationId status position } }`;

export const APPROVE_REGISTRATION = `mutation ($eventId: ID!, $registrationId: ID!) {
  approveRegistration(eventId: $eventId, registrationId: $registrationId) { status position ticket { ticketId code } } }`;

export const REISSUE_TICKET = `mutation ($eventId: ID!, $registrationId: ID!) {
  reissueTicket(eventId: $eventId, registrationId: $registrationId) { status position ticket { version code } } }`;

export const TICKET = `query ($ticketId: ID!, $atPosition: String) {
  ticket(ticketId: $ticketId, atPosition: $atPosition) { ticketId code version status } }`;

export const CHECK_IN = `mutation ($eventId: ID!, $sessionId: ID!, $code: String!) {
  checkIn(eventId: $eventId, sessionId: $sessionId, code: $code) { result registrationId } }`;
