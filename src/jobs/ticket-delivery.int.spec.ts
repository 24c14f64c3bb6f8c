import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { anEvent } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { Outbox } from '../commands/accounts/outbox.js';
import { postgresSigningKeys } from '../commands/accounts/postgres-signing-keys.js';
import { TokenService } from '../commands/accounts/token-service.js';
import { CommandHandler } from '../commands/command-handler.js';
import { EventCommands } from '../commands/event-commands.js';
import { commandRequest } from '../commands/request.js';
import { EmailClaims } from '../commands/accounts/email-claims.js';
import { MemoryPersonalDataKeys } from '../personal-data/memory-personal-data-keys.js';
import { TicketCodes } from '../commands/tickets/ticket-codes.js';
import { ticketQrPng } from '../commands/tickets/ticket-qr.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { toIntegrationEvent } from '../integration/contract.js';
import { type MlWorker, startMlWorker } from '../ml/ml-worker.js';
import { accountsProjection } from '../projections/accounts/projection.js';
import { attendanceProjection } from '../projections/attendance/projection.js';
import type { Projection } from '../projections/projection.js';
import { rebuildProjection } from '../projections/rebuild.js';
import { Jobs } from './jobs.js';
import { ProjectionRunner } from '../projections/runner.js';
import { mailWorkers, startJobWorkers } from './job-runner.js';
import { OutboxMailer } from './mailer.js';
import { TICKET_DELIVERY_QUEUE } from './queues.js';
import { TICKET_MAIL_HORIZON_MS, type TicketDeliveryData } from './ticket-delivery.js';
import { TicketMail } from './ticket-mail-reactor.js';

let db: TestDatabase;
let store: PostgresEventStore;
let jobs: Jobs;
let codes: TicketCodes;
let outboxDir: string;
let reactors: MlWorker;
const runners: ProjectionRunner[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  outboxDir = await mkdtemp(path.join(tmpdir(), 'rollcall-tickets-'));
  jobs = new Jobs(db.url);
  const tokens = new TokenService(postgresSigningKeys(db.pool, { masterKey: db.masterKey }));
  codes = new TicketCodes(() => tokens.ticketKeys());
  await startJobWorkers(jobs, mailWorkers({ jobs, pool: db.pool, store, keys: new MemoryPersonalDataKeys(), claims: new EmailClaims(store, db.masterKey), mailer: new OutboxMailer(new Outbox(outboxDir)), codes }));
  // The reactor waits for the attendance projection, which each test starts when it needs it.
  reactors = await startMlWorker({ store, pool: db.pool, reactors: [new TicketMail({ jobs, pool: db.pool })] });
});
afterAll(async () => {
  await reactors?.stop();
  for (const runner of runners) await runner.stop();
  await jobs?.stop();
  await store?.close();
  await db?.close();
  if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const ORGANIZER = 'org';

interface Confirmed {
  eventId: string;
  registrationId: string;
  attendeeId: string;
}

/** An attendee's account and a published event with one session, where the attendee's registration is confirmed. */
const confirmedRegistration = async (name: string, email: string, account: { disabled?: boolean } = {}): Promise<Confirmed> => {
  const attendeeId = randomUUID();
  const eventId = randomUUID();
  const registrationId = randomUUID();
  const signedUpAt = new Date().toISOString();
  await store.append(
    `account-${attendeeId}`,
    [
      anEvent('AccountSignedUp', { accountId: attendeeId, email, name, passwordHash: 'x', roles: ['attendee'], signedUpAt }),
      ...(account.disabled ? [anEvent('AccountDisabled', { disabledBy: 'admin-1', disabledAt: signedUpAt })] : []),
    ],
    'no_stream',
  );
  const details = {
    title: 'Ticketed',
    description: '',
    venue: 'Hall',
    timeZone: 'UTC',
    requiresApproval: false,
    faceVerification: 'off',
    registrationOpensAt: new Date(Date.now() - HOUR).toISOString(),
    registrationClosesAt: new Date(Date.now() + HOUR).toISOString(),
  };
  const startsAt = new Date(Date.now() + 2 * HOUR).toISOString();
  await store.append(
    `event-${eventId}`,
    [
      anEvent('EventCreated', { eventId, organizerId: ORGANIZER, details, capacity: 10 }),
      anEvent('SessionsScheduled', {
        sessions: [{ sessionId: randomUUID(), startsAt, endsAt: new Date(Date.now() + 3 * HOUR).toISOString(), checkInOpensAt: startsAt, checkInClosesAt: startsAt }],
      }),
      anEvent('EventPublished', { eventId }),
      anEvent('RegistrationConfirmed', { registrationId, attendeeId, via: 'registration' }),
    ],
    'no_stream',
  );
  return { eventId, registrationId, attendeeId };
};

/** Starts the projector's runners once; later tests find them running. */
const startProjections = async (attendance: Projection = attendanceProjection): Promise<void> => {
  if (runners.length > 0) return;
  for (const projection of [accountsProjection, attendance]) {
    const runner = new ProjectionRunner({ store, pool: db.pool, projection, lockRetryMs: 50 });
    runners.push(runner);
    await runner.start();
  }
};

const mailsTo = async (to: string) => (await new Outbox(outboxDir).messages()).filter((mail) => mail.to === to);

/** Polls until `check` stops throwing: projection, job and mail each take their turn. */
const eventually = <T>(check: () => Promise<T>): Promise<T> => vi.waitFor(check, { timeout: 30_000, interval: 200 });

const deliveryJobsOf = async (registrationId: string) =>
  (
    await db.pool.query<{ data: TicketDeliveryData; state: string }>(
      "SELECT data, state FROM pgboss.job WHERE name = $1 AND data->>'registrationId' = $2 ORDER BY (data->>'version')::int",
      [TICKET_DELIVERY_QUEUE, registrationId],
    )
  ).rows;

describe('ticket delivery', () => {
  it('mails one ticket with a PNG QR for a confirmed registration, although the projection batch was retried', async () => {
    await confirmedRegistration('Tia', 'tia@example.org');

    // The first try of the batch that confirms fails after its rows were written: the runner
    // rolls it back and applies the events one by one; the reactor mails what was committed.
    let failedOnce = false;
    const flaky: Projection = {
      ...attendanceProjection,
      async apply(client, schema, events, onUnstorable) {
        await attendanceProjection.apply(client, schema, events, onUnstorable);
        if (!failedOnce && events.length > 1 && events.some((e) => e.type === 'RegistrationConfirmed')) {
          failedOnce = true;
          throw new Error('the batch fails once');
        }
      },
    };
    await startProjections(flaky);
    const outbox = new Outbox(outboxDir);
    const deadline = Date.now() + 30_000;
    while ((await outbox.messages()).length === 0 && Date.now() < deadline) await sleep(200);
    await sleep(3_000); // room for a duplicate to show up

    expect(failedOnce).toBe(true);
    const mails = await outbox.messages();
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail).toMatchObject({ kind: 'ticket', to: 'tia@example.org', subject: 'Your ticket for Ticketed' });
    const png = Buffer.from(mail!.attachments![0]!.contentBase64, 'base64');
    expect(mail!.attachments![0]!.contentType).toBe('image/png');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await readdir(outboxDir)).filter((f) => f.endsWith('.eml'))).toHaveLength(1);

    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1", [TICKET_DELIVERY_QUEUE]);
    expect(rows[0].n).toBe(1);
  });

  it('mails a reissued ticket as version 2, saying it replaces the first, with a QR that verifies as version 2', async () => {
    const { eventId, registrationId, attendeeId } = await confirmedRegistration('Uma', 'uma@example.org');
    await startProjections();
    await eventually(async () => expect(await mailsTo('uma@example.org')).toHaveLength(1));
    const sign = vi.spyOn(codes, 'sign');

    const organizer = { accountId: ORGANIZER, roles: ['organizer' as const] };
    await new EventCommands(new CommandHandler(store), codes).reissueTicket(commandRequest(organizer, undefined), eventId, registrationId);
    const mails = await eventually(async () => {
      const sent = await mailsTo('uma@example.org');
      expect(sent).toHaveLength(2);
      return sent;
    });

    // Each job carries the trace of the event that issued its ticket version.
    const trace = { correlationId: expect.any(String), causationId: expect.any(String) };
    expect((await deliveryJobsOf(registrationId)).map((job) => job.data)).toEqual([
      { eventId, registrationId, attendeeId, version: 1, trace },
      { eventId, registrationId, attendeeId, version: 2, trace },
    ]);
    const reissued = mails[1]!;
    expect(reissued.subject).toBe('Your new ticket for Ticketed');
    expect(reissued.text).toContain('It replaces the one we sent you before, whose QR code no longer works at the door.');
    // No QR decoder among the dependencies: the QR shows the code signed meanwhile whose rendering matches it byte for byte.
    const png = Buffer.from(reissued.attachments![0]!.contentBase64, 'base64');
    const signed = await Promise.all(sign.mock.results.map((result) => result.value as Promise<string>));
    sign.mockRestore();
    const shown = [];
    for (const code of signed) if ((await ticketQrPng(code)).equals(png)) shown.push(await codes.read(code));
    expect(shown[0]).toEqual({ eventId, registrationId, attendeeId, version: 2 });
  });

  it('mails nothing to a disabled account', async () => {
    await startProjections();
    const { registrationId } = await confirmedRegistration('Vic', 'vic@example.org', { disabled: true });
    const [job] = await eventually(async () => {
      const { rows } = await db.pool.query<{ state: string; output: unknown }>('SELECT state, output FROM pgboss.job WHERE name = $1 AND data->>\'registrationId\' = $2', [
        TICKET_DELIVERY_QUEUE,
        registrationId,
      ]);
      expect(rows[0]?.state).toBe('completed');
      return rows;
    });
    expect(job!.output).toEqual({ skipped: "the attendee's account is disabled" });
    expect(await mailsTo('vic@example.org')).toEqual([]);
  });

  it('queues no delivery when the read model is rebuilt, even after pg-boss has archived the delivered jobs', async () => {
    const { eventId, registrationId } = await confirmedRegistration('Val', 'val@example.org');
    await store.append(`event-${eventId}`, [anEvent('TicketReissued', { registrationId, version: 2 })], 'any');
    await startProjections();
    // The reactor queues the ticket's version current when it looks: version 1 and then 2, or,
    // if the projection applied the reissue first, version 2 alone (version 1 would be skipped anyway).
    await eventually(async () => {
      const deliveries = await deliveryJobsOf(registrationId);
      expect(deliveries.at(-1)?.data.version).toBe(2);
      expect(deliveries.every((job) => job.state === 'completed')).toBe(true);
    });
    // pg-boss archives completed jobs after a while (two days, see Jobs); their ids are then free to be queued again.
    await db.pool.query("DELETE FROM pgboss.job WHERE name = $1 AND state = 'completed'", [TICKET_DELIVERY_QUEUE]);
    const queued = async () =>
      (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1', [TICKET_DELIVERY_QUEUE])).rows[0]!.n;
    const before = await queued();

    await rebuildProjection({ store, pool: db.pool, projection: attendanceProjection, lockRetryMs: 50 });

    expect(await queued()).toBe(before);
  });

  it('queues no delivery for a reissue that happened longer ago than the mail horizon, as in old history read again', async () => {
    const { eventId, registrationId } = await confirmedRegistration('Wes', 'wes@example.org');
    await startProjections();
    await eventually(async () => expect(await deliveryJobsOf(registrationId)).toHaveLength(1));
    const reissuedAt = new Date(Date.now() - TICKET_MAIL_HORIZON_MS - HOUR);
    const reissue = anEvent('TicketReissued', { registrationId, version: 2 });
    await store.append(`event-${eventId}`, [{ ...reissue, metadata: { ...reissue.metadata, occurredAt: reissuedAt.toISOString() } }], 'any');
    const event = toIntegrationEvent((await store.readStream(`event-${eventId}`)).at(-1)!)!;
    /** Hands the reissue to a ticket-mail reactor whose clock says `now`, and counts the version 2 deliveries queued. */
    const jobsQueuedAt = async (now: Date): Promise<number> => {
      await new TicketMail({ jobs, pool: db.pool, now: () => now }).handle(event);
      return (await deliveryJobsOf(registrationId)).filter((job) => job.data.version === 2).length;
    };

    expect(await jobsQueuedAt(new Date())).toBe(0);
    expect(await jobsQueuedAt(new Date(reissuedAt.getTime() + HOUR))).toBe(1);
  });
});
