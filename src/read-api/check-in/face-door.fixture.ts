import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { givenAccount } from '../../../test/accounts.js';
import { anEvent } from '../../../test/events.js';
import { confirmedRegistration, publishedEvent } from '../../../test/event-history.js';
import { multipartRequest } from '../../../test/graphql-multipart.js';
import { type TestApp, startTestApp } from '../../../test/test-app.js';
import { CommandHandler } from '../../commands/command-handler.js';
import type { Actor } from '../../domain/actor.js';
import type { FaceVerification as FaceMode } from '../../domain/event/event.js';
import { eventStream } from '../../domain/streams.js';
import { enrollmentModels } from '../../ml/enrollment-models.js';
import type { FaceEngine } from '../../ml/face/face-engine.js';
import { FaceVerification } from '../../ml/face-verification.js';
import { type MlWorker, startMlWorker } from '../../ml/ml-worker.js';
import { DoorPhotos } from '../../personal-data/door-photos.js';
import { FaceEmbeddings } from '../../personal-data/face-embeddings.js';
import { type Projector, startProjector } from '../../projections/projector.js';

/**
 * The face check at the door in one process, for the specs that run it end to end: the API,
 * the projector, and the face verification reactor on the store's subscription, all on one
 * face engine (scripted, or the real models), and the door's requests as a scanner sends them.
 */

const CHECK_IN = `mutation ($e: ID!, $s: ID!, $code: String!, $photo: Upload, $wait: Boolean) {
  checkIn(eventId: $e, sessionId: $s, code: $code, photo: $photo, waitForFace: $wait) { result registrationId attendeeId position } }`;
const REGISTER = `mutation ($e: ID!) { register(eventId: $e) { registrationId status ticket { code } } }`;
const LOG = `query ($e: ID!, $s: ID!) { checkIns(eventId: $e, sessionId: $s) { nodes { registrationId kind result } } }`;

export interface Door {
  eventId: string;
  sessionId: string;
  ticketOf(attendee: Actor): { registrationId: string; code: Promise<string> };
  /** The attendee registers through the API, as they would; their ticket is then the one the API handed them. */
  register(attendee: Actor): Promise<void>;
}

export interface FaceDoor {
  rollcall: TestApp;
  staff: Actor;
  organizer: Actor;
  bearer(actor: Actor): Promise<string>;
  graphql(actor: Actor, query: string, variables?: Record<string, unknown>): Promise<any>;
  anAttendee(): Promise<Actor>;
  /** POST /me/face as `attendee`: the response, its status and body. */
  postPhoto(attendee: Actor, photo: Buffer, contentType?: string): Promise<LightMyRequestResponse>;
  /** A published event of the organizer's, checking faces as asked, staffed, with one open session and `attendees` confirmed. */
  anEventFor(faceVerification: FaceMode, ...attendees: Actor[]): Promise<Door>;
  /** checkIn at the door by the staff, with a photo (multipart) or without (JSON), waiting for the face or not. */
  scan(door: Door, attendee: Actor, photo: Buffer | undefined, waitForFace?: boolean): Promise<{ result?: string; attendeeId?: string; position?: string; code?: string }>;
  /** The door log of `attendee`'s ticket, as `kind result` lines. */
  doorLog(door: Door, attendee: Actor): Promise<string[]>;
  close(): Promise<void>;
}

export const startFaceDoor = async (engine: FaceEngine): Promise<FaceDoor> => {
  const rollcall = await startTestApp({ faceModels: enrollmentModels(engine) });
  const { store, db, app } = rollcall;
  let projector: Projector | undefined;
  let worker: MlWorker | undefined;
  const close = async () => {
    await worker?.stop();
    await projector?.stop();
    await rollcall.close();
  };
  try {
    projector = await startProjector({ store, pool: db.pool, onFailure: (failure) => console.error('projection failed', failure) });
    const photos = new DoorPhotos(db.pool, app.personalData);
    const reactor = new FaceVerification({ commands: new CommandHandler(store), engine, embeddings: new FaceEmbeddings(db.pool, app.personalData), photos });
    worker = await startMlWorker({ store, pool: db.pool, reactors: [reactor] });
  } catch (error) {
    await close();
    throw error;
  }
  const staff = await givenAccount(store, { accountId: randomUUID(), roles: ['staff'] });
  const organizer: Actor = { accountId: randomUUID(), roles: ['organizer'] };
  const bearer = async (actor: Actor) => `Bearer ${(await app.tokens.issueAccessToken(actor)).token}`;
  const graphql = async (actor: Actor, query: string, variables: Record<string, unknown> = {}) =>
    (await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', authorization: await bearer(actor) }, payload: JSON.stringify({ query, variables }) })).json();

  const anEventFor = async (faceVerification: FaceMode, ...attendees: Actor[]): Promise<Door> => {
    const history = publishedEvent({ organizerId: organizer.accountId, staffId: staff.accountId, details: { faceVerification } });
    const registrations = new Map(attendees.map((a) => [a.accountId, randomUUID()]));
    const events = [...history.events, ...attendees.map((a) => confirmedRegistration(a.accountId, registrations.get(a.accountId)))];
    await store.append(eventStream(history.eventId), events.map(({ type, data }) => anEvent(type, data)), 'no_stream');
    const handedOut = new Map<string, { registrationId: string; code: string }>();
    const ticketOf = (attendee: Actor) => {
      const ticket = handedOut.get(attendee.accountId);
      if (ticket) return { registrationId: ticket.registrationId, code: Promise.resolve(ticket.code) };
      const registrationId = registrations.get(attendee.accountId)!;
      return { registrationId, code: app.attendance.codes.sign({ eventId: history.eventId, registrationId, attendeeId: attendee.accountId, version: 1 }) };
    };
    const register = async (attendee: Actor) => {
      const { data, errors } = await graphql(attendee, REGISTER, { e: history.eventId });
      expect(errors).toBeUndefined();
      expect(data.register.status).toBe('confirmed');
      handedOut.set(attendee.accountId, { registrationId: data.register.registrationId, code: data.register.ticket.code });
    };
    return { eventId: history.eventId, sessionId: history.sessionId, ticketOf, register };
  };

  const scan: FaceDoor['scan'] = async (door, attendee, photo, waitForFace = true) => {
    const variables = { e: door.eventId, s: door.sessionId, code: await door.ticketOf(attendee).code, wait: waitForFace, photo: null };
    const request = photo
      ? multipartRequest(CHECK_IN, variables, [{ path: 'variables.photo', bytes: photo }])
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: CHECK_IN, variables }) };
    const response = await app.inject({ method: 'POST', url: '/graphql', headers: { ...request.headers, authorization: await bearer(staff) }, payload: request.body });
    const body = response.json();
    return { ...body.data?.checkIn, code: body.errors?.[0]?.extensions?.code as string | undefined };
  };

  const doorLog: FaceDoor['doorLog'] = async (door, attendee) => {
    const { data, errors } = await graphql(staff, LOG, { e: door.eventId, s: door.sessionId });
    expect(errors).toBeUndefined();
    return (data.checkIns.nodes as { registrationId: string; kind: string; result: string }[])
      .filter((entry) => entry.registrationId === door.ticketOf(attendee).registrationId)
      .map(({ kind, result }) => `${kind} ${result}`);
  };

  return {
    rollcall,
    staff,
    organizer,
    bearer,
    graphql,
    anAttendee: () => givenAccount(store, { accountId: randomUUID(), roles: ['attendee'] }),
    postPhoto: async (attendee, photo, contentType = 'image/jpeg') =>
      app.inject({ method: 'POST', url: '/me/face', headers: { 'content-type': contentType, authorization: await bearer(attendee) }, payload: photo }),
    anEventFor,
    scan,
    doorLog,
    close,
  };
};
