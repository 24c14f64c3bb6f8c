import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../test/events.js';
import { confirmedRegistration, publishedEvent } from '../../test/event-history.js';
import { type FakeFaceEngine, facePhoto, fakeFaceEngine } from '../../test/fake-face-engine.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { freshTicketCodes } from '../../test/ticket-keys.js';
import { CheckInCommands } from '../commands/check-in-commands.js';
import { CommandHandler } from '../commands/command-handler.js';
import { EventCommands } from '../commands/event-commands.js';
import { commandRequest } from '../commands/request.js';
import type { TicketCodes } from '../commands/tickets/ticket-codes.js';
import type { Actor } from '../domain/actor.js';
import { checkInStream, eventStream } from '../domain/streams.js';
import { toIntegrationEvent } from '../integration/contract.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { DoorPhotos } from '../personal-data/door-photos.js';
import { FaceEmbeddings } from '../personal-data/face-embeddings.js';
import { MemoryPersonalDataKeys } from '../personal-data/memory-personal-data-keys.js';
import { FaceVerification } from './face-verification.js';

/** The face verification reactor handed held scans one by one, as a consumer delivers them (again, late, or replaced). */

let db: TestDatabase;
let store: PostgresEventStore;
let codes: TicketCodes;
let engine: FakeFaceEngine;
let photos: DoorPhotos;
let embeddings: FaceEmbeddings;
let checkIns: CheckInCommands;
let reactor: FaceVerification;
const staff: Actor = { accountId: randomUUID(), roles: ['staff'] };

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  codes = await freshTicketCodes();
  engine = fakeFaceEngine();
  const keys = new MemoryPersonalDataKeys();
  photos = new DoorPhotos(db.pool, keys);
  embeddings = new FaceEmbeddings(db.pool, keys);
  const handler = new CommandHandler(store);
  checkIns = new CheckInCommands(handler, new EventCommands(handler, codes), codes, photos);
  reactor = new FaceVerification({ commands: new CommandHandler(store), engine, embeddings, photos });
});
afterAll(async () => {
  await store?.close();
  await db?.close();
});

/** An enrolled attendee with a ticket to a door that requires faces. */
const aHeldTicket = async () => {
  const attendeeId = randomUUID();
  const registrationId = randomUUID();
  const history = publishedEvent({ organizerId: randomUUID(), staffId: staff.accountId, details: { faceVerification: 'required' } });
  const events = [...history.events, confirmedRegistration(attendeeId, registrationId)];
  await store.append(eventStream(history.eventId), events.map(({ type, data }) => anEvent(type, data)), 'no_stream');
  await embeddings.replace(attendeeId, [{ reference: randomUUID(), embedding: engine.embeddingOf(attendeeId) }]);
  const code = await codes.sign({ eventId: history.eventId, registrationId, attendeeId, version: 1 });
  const streamId = checkInStream(history.sessionId, registrationId);
  const scan = (photo: Buffer, commandId?: string) => checkIns.checkIn(commandRequest(staff, commandId), history.eventId, history.sessionId, code, photo);
  /** The stream's events as a consumer receives them. */
  const delivered = async () => (await store.readStream(streamId)).map((recorded) => toIntegrationEvent(recorded)!);
  const types = async () => (await store.readStream(streamId)).map((e) => e.type);
  return { attendeeId, streamId, scan, delivered, types };
};

const photosOf = async (streamId: string) =>
  (await db.pool.query<{ scan_id: string }>('SELECT scan_id FROM rollcall.door_photos WHERE stream_id = $1', [streamId])).rows.map((r) => r.scan_id);

describe('The face verification reactor', () => {
  it('judges a held scan once, however often it is delivered', async () => {
    const ticket = await aHeldTicket();
    expect((await ticket.scan(facePhoto(ticket.attendeeId))).result).toBe('face_pending');
    const [held] = await ticket.delivered();
    const before = engine.verified.length;
    await reactor.handle(held!);
    await reactor.handle(held!);
    expect(await ticket.types()).toEqual(['CheckInAwaitingFace', 'FaceMatched']);
    expect(engine.verified.length - before).toBe(1);
    expect(await photosOf(ticket.streamId)).toEqual([]);
  });

  it('records nothing for a scan a later one replaced, deleting its photo, and judges the later one', async () => {
    const ticket = await aHeldTicket();
    await ticket.scan(facePhoto('a stranger'));
    await ticket.scan(facePhoto(ticket.attendeeId));
    const [first, second] = await ticket.delivered();
    await reactor.handle(first!);
    expect(await ticket.types()).toEqual(['CheckInAwaitingFace', 'CheckInAwaitingFace']);
    expect(await photosOf(ticket.streamId)).toEqual([second!.data.scanId]);
    await reactor.handle(second!);
    expect((await ticket.types()).at(-1)).toBe('FaceMatched');
  });

  it('answers photo_expired for a scan whose photo the sweep took (the reactor was down for 10 minutes)', async () => {
    const ticket = await aHeldTicket();
    await ticket.scan(facePhoto(ticket.attendeeId));
    await db.pool.query(`UPDATE rollcall.door_photos SET taken_at = now() - interval '601 seconds' WHERE stream_id = $1`, [ticket.streamId]);
    expect(await photos.sweep()).toBe(1);
    const [held] = await ticket.delivered();
    await reactor.handle(held!);
    expect((await ticket.delivered()).at(-1)).toMatchObject({ type: 'FaceUnverifiable', data: { result: 'photo_expired', scanId: held!.data.scanId } });
  });

  it('does not judge a photo past its 10 minutes that the sweep has not reached yet', async () => {
    const ticket = await aHeldTicket();
    await ticket.scan(facePhoto(ticket.attendeeId));
    await db.pool.query(`UPDATE rollcall.door_photos SET taken_at = now() - interval '601 seconds' WHERE stream_id = $1`, [ticket.streamId]);
    const [held] = await ticket.delivered();
    await reactor.handle(held!);
    expect((await ticket.delivered()).at(-1)).toMatchObject({ type: 'FaceUnverifiable', data: { result: 'photo_expired' } });
    expect(await photosOf(ticket.streamId)).toEqual([]);
  });

  it('keeps no photo for a resent scan whose first one was judged already', async () => {
    const ticket = await aHeldTicket();
    const commandId = `scan-${randomUUID()}`;
    await ticket.scan(facePhoto(ticket.attendeeId), commandId);
    const [held] = await ticket.delivered();
    await reactor.handle(held!);
    expect((await ticket.scan(facePhoto(ticket.attendeeId), commandId)).result).toBe('face_pending');
    expect(await photosOf(ticket.streamId)).toEqual([]);
    expect(await ticket.types()).toEqual(['CheckInAwaitingFace', 'FaceMatched']);
  });

  it('keeps no photo of a refused ticket', async () => {
    const ticket = await aHeldTicket();
    await ticket.scan(facePhoto(ticket.attendeeId));
    const [held] = await ticket.delivered();
    await reactor.handle(held!);
    expect((await ticket.scan(facePhoto(ticket.attendeeId))).result).toBe('already_redeemed');
    expect(await photosOf(ticket.streamId)).toEqual([]);
  });
});
