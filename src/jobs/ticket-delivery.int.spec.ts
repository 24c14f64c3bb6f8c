import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { Outbox } from '../commands/accounts/outbox.js';
import { TokenService } from '../commands/accounts/token-service.js';
import { TicketCodes } from '../commands/tickets/ticket-codes.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { accountsProjection } from '../projections/accounts-projection.js';
import { attendanceProjection } from '../projections/attendance-projection.js';
import type { Projection } from '../projections/projection.js';
import { Jobs } from '../projections/rebuild-jobs.js';
import { ProjectionRunner } from '../projections/runner.js';
import { startJobWorkers } from './job-runner.js';
import { OutboxMailer } from './mailer.js';
import { TICKET_DELIVERY_QUEUE } from './queues.js';

let db: TestDatabase;
let store: PostgresEventStore;
let jobs: Jobs;
let outboxDir: string;
const runners: ProjectionRunner[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  outboxDir = await mkdtemp(path.join(tmpdir(), 'rollcall-tickets-'));
  jobs = new Jobs(db.url);
  const tokens = new TokenService(db.pool);
  await startJobWorkers({
    jobs,
    pool: db.pool,
    mailer: new OutboxMailer(new Outbox(outboxDir)),
    codes: new TicketCodes(() => tokens.ticketKeys()),
    log: () => undefined,
  });
});
afterAll(async () => {
  for (const runner of runners) await runner.stop();
  await jobs?.stop();
  await store?.close();
  await db?.close();
  if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
});

const HOUR = 3_600_000;

describe('ticket delivery', () => {
  it('mails one ticket with a PNG QR for a confirmed registration, although the projection batch was retried', async () => {
    const accountId = randomUUID();
    const eventId = randomUUID();
    const registrationId = randomUUID();
    await store.append(
      `account-${accountId}`,
      [anEvent('AccountSignedUp', { accountId, email: 'tia@example.org', name: 'Tia', passwordHash: 'x', roles: ['attendee'], signedUpAt: new Date().toISOString() })],
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
        anEvent('EventCreated', { eventId, organizerId: 'org', details, capacity: 10 }),
        anEvent('SessionsScheduled', {
          sessions: [{ sessionId: randomUUID(), startsAt, endsAt: new Date(Date.now() + 3 * HOUR).toISOString(), checkInOpensAt: startsAt, checkInClosesAt: startsAt }],
        }),
        anEvent('EventPublished', { eventId }),
        anEvent('RegistrationConfirmed', { registrationId, attendeeId: accountId, via: 'registration' }),
      ],
      'no_stream',
    );

    // The first try of the batch that confirms fails after its rows and its job were written:
    // the runner rolls it back and applies the events one by one.
    let failedOnce = false;
    const flaky: Projection = {
      ...attendanceProjection,
      async apply(client, schema, events) {
        await attendanceProjection.apply(client, schema, events);
        if (!failedOnce && events.length > 1 && events.some((e) => e.type === 'RegistrationConfirmed')) {
          failedOnce = true;
          throw new Error('the batch fails once');
        }
      },
    };
    for (const projection of [accountsProjection, flaky]) {
      const runner = new ProjectionRunner({ store, pool: db.pool, projection, lockRetryMs: 50 });
      runners.push(runner);
      await runner.start();
    }
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
});
