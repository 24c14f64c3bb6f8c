// Over 300 lines on purpose: one seeded history that every case of the sweep reads.
import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { anEvent } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { freshTicketCodes } from '../../test/ticket-keys.js';
import type { OutgoingMail } from '../commands/accounts/outbox.js';
import { CommandHandler } from '../commands/command-handler.js';
import { EventCommands } from '../commands/event-commands.js';
import { commandRequest } from '../commands/request.js';
import type { Actor } from '../domain/actor.js';
import { accountStream } from '../domain/streams.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { accountsProjection } from '../projections/accounts/projection.js';
import { attendanceProjection } from '../projections/attendance/projection.js';
import { Jobs } from './jobs.js';
import { ProjectionRunner } from '../projections/runner.js';
import { mailJobs } from './job-runner.js';
import { type MailJobData, MailJobs, deliverMail, openMail } from './mailer.js';
import { MemoryPersonalDataKeys } from '../personal-data/memory-personal-data-keys.js';
import { MAIL_QUEUE } from './queues.js';
import { localTime } from './local-time.js';
import { reminderStillDue, sweepSessionReminders } from './session-reminders.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let db: TestDatabase;
let store: PostgresEventStore;
let jobs: Jobs;
let events: EventCommands;
const runners: ProjectionRunner[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  jobs = new Jobs(db.url);
  await jobs.boss();
  events = new EventCommands(new CommandHandler(store), await freshTicketCodes());
  for (const projection of [accountsProjection, attendanceProjection]) {
    const runner = new ProjectionRunner({ store, pool: db.pool, projection, lockRetryMs: 50 });
    runners.push(runner);
    await runner.start();
  }
});
afterAll(async () => {
  for (const runner of runners) await runner.stop();
  await jobs?.stop();
  await store?.close();
  await db?.close();
});

/**
 * Each test sweeps at its own moment, ten days from the others, so no test's sessions fall
 * in another's window and each sees only the reminders it caused.
 */
const momentOfTest = (n: number): Date => new Date(Date.now() + n * 10 * DAY);

const organizer: Actor = { accountId: 'org-1', roles: ['organizer'] };
const by = (actor: Actor) => commandRequest(actor, undefined);

interface Attendee {
  actor: Actor;
  name: string;
  email: string;
}

const attendee = (name: string): Attendee => ({
  actor: { accountId: randomUUID(), roles: ['attendee'] },
  name,
  email: `${name.toLowerCase()}@example.org`,
});

const signUp = async ({ actor, name, email }: Attendee): Promise<void> => {
  const accountId = actor.accountId;
  await store.append(
    accountStream(accountId),
    [anEvent('AccountSignedUp', { accountId, email, name, passwordHash: 'x', roles: ['attendee'], signedUpAt: new Date().toISOString() })],
    'no_stream',
  );
};

const signedUp = async (name: string): Promise<Attendee> => {
  const who = attendee(name);
  await signUp(who);
  return who;
};

/** A published event with a two-hour session starting at each offset from `at`; its sessions' ids in that order. */
const publishedEvent = async (title: string, at: Date, startsInHours: number[], options: { capacity?: number; requiresApproval?: boolean } = {}) => {
  const now = Date.now();
  const { eventId } = await events.createEvent(by(organizer), {
    capacity: options.capacity ?? 10,
    details: {
      title,
      description: '',
      venue: 'Hall A',
      timeZone: 'Europe/Warsaw',
      registrationOpensAt: new Date(now - DAY).toISOString(),
      registrationClosesAt: new Date(now + DAY).toISOString(),
      requiresApproval: options.requiresApproval ?? false,
      faceVerification: 'off',
    },
  });
  const sessionIds: string[] = [];
  for (const hours of startsInHours) {
    const startsAt = at.getTime() + hours * HOUR;
    const { sessions } = await events.scheduleSessions(by(organizer), eventId, {
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + 2 * HOUR).toISOString(),
    });
    sessionIds.push(sessions.at(-1)!.sessionId);
  }
  await events.publishEvent(by(organizer), eventId);
  return { eventId, sessionIds };
};

const register = async (eventId: string, who: Attendee): Promise<string> => (await events.register(by(who.actor), eventId)).registrationId;

/** Waits until both read models hold every event stored so far. */
const projected = async (): Promise<void> => {
  const { rows } = await db.pool.query<{ head: string }>('SELECT max(position) AS head FROM rollcall.events');
  const head = BigInt(rows[0]!.head);
  for (const runner of runners) await runner.caughtUp({ commit: head, prepare: head });
};

interface QueuedReminder {
  sessionId: string;
  registrationId: string;
  data: MailJobData;
  /** The message the job carries, opened. */
  mail: OutgoingMail | undefined;
}

const personalData = new MemoryPersonalDataKeys();

/** The reminder mail jobs queued for these sessions, named by the session and registration their key carries (after the event). */
const remindersFor = async (sessionIds: readonly string[]): Promise<QueuedReminder[]> => {
  const { rows } = await db.pool.query<{ singleton_key: string; data: MailJobData }>(
    "SELECT singleton_key, data FROM pgboss.job WHERE name = $1 AND data ? 'reminder' ORDER BY singleton_key",
    [MAIL_QUEUE],
  );
  const reminders = await Promise.all(
    rows.map(async ({ singleton_key, data }) => {
      const [, sessionId, registrationId] = singleton_key.split(':') as [string, string, string];
      return { sessionId, registrationId, data, mail: await openMail(personalData, data) };
    }),
  );
  return reminders.filter((reminder) => sessionIds.includes(reminder.sessionId));
};

const registrationsRemindedOf = async (sessionId: string): Promise<string[]> =>
  (await remindersFor([sessionId])).map((r) => r.registrationId).sort();

/** The real mail jobs, with a step before each is queued: a test's way to fail or pause a sweep half-way. */
class MailJobsWithStep extends MailJobs {
  private queued = 0;

  constructor(private readonly step: (nth: number) => Promise<void>) {
    super(() => jobs.boss(), personalData);
  }

  override async enqueue(...args: Parameters<MailJobs['enqueue']>): Promise<void> {
    await this.step(++this.queued);
    await super.enqueue(...args);
  }
}

const sweep = (at: Date, mail: MailJobs = mailJobs(jobs, personalData)) => sweepSessionReminders({ pool: db.pool, mail }, at);

/** Sessions of the test's database blocked on a lock another holds. */
const sessionsWaitingForALock = async (): Promise<number> =>
  (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0]!.n;

describe('the session reminder sweep, one day before a session', () => {
  const at = momentOfTest(1);
  let started: string;
  let soon: string;
  let afterTheWindow: string;
  let ann: string;
  let cat: string;
  const notConfirmed: string[] = [];

  beforeAll(async () => {
    const { eventId, sessionIds } = await publishedEvent('Night school', at, [-1, 2, 30], { capacity: 2, requiresApproval: true });
    [started, soon, afterTheWindow] = sessionIds as [string, string, string];
    const approve = (registrationId: string) => events.approveRegistration(by(organizer), eventId, registrationId);
    ann = await register(eventId, await signedUp('Ann'));
    await approve(ann);
    const attendeeBob = await signedUp('Bob');
    const bob = await register(eventId, attendeeBob);
    await approve(bob);
    await events.cancelRegistration(by(attendeeBob.actor), eventId, bob);
    cat = await register(eventId, await signedUp('Cat'));
    await approve(cat);
    const dan = await register(eventId, await signedUp('Dan'));
    expect((await approve(dan)).status).toBe('waitlisted');
    const eve = await register(eventId, await signedUp('Eve'));
    const fay = await register(eventId, await signedUp('Fay'));
    await events.rejectRegistration(by(organizer), eventId, fay, 'guests only');
    notConfirmed.push(bob, dan, eve, fay);
    await projected();
    await sweep(at);
  });

  it('queues one reminder for each confirmed attendee of a session starting within the day', async () => {
    expect(await registrationsRemindedOf(soon)).toEqual([ann, cat].sort());
  });

  it('reminds nobody whose registration is cancelled, waitlisted, pending or rejected', async () => {
    const reminded = (await remindersFor([started, soon, afterTheWindow])).map((r) => r.registrationId);
    expect(reminded.filter((id) => notConfirmed.includes(id))).toEqual([]);
  });

  it('reminds nobody of a session that has started or that starts after the next day', async () => {
    expect(await remindersFor([started, afterTheWindow])).toEqual([]);
  });

  it('mails the reminder to the attendee, saying which event starts when and where', async () => {
    const [reminder] = (await remindersFor([soon])).filter((r) => r.registrationId === ann);
    // In the event's own zone, which the mail names.
    const startsAt = localTime(new Date(at.getTime() + 2 * HOUR), 'Europe/Warsaw');
    expect(startsAt).toMatch(/ \(Europe\/Warsaw\)$/);
    expect(reminder?.mail).toEqual({
      kind: 'session-reminder',
      to: 'ann@example.org',
      subject: 'Reminder: Night school starts soon',
      text: `Hello Ann,\n\nNight school starts ${startsAt} at Hall A. Bring your ticket's QR code.\n`,
      token: '',
    });
    expect(reminder?.data.reminder).toEqual({ eventId: expect.any(String), sessionId: soon, registrationId: ann });
  });

  it('keeps the address and name out of the job, sealed under the attendee\'s key', async () => {
    const [reminder] = (await remindersFor([soon])).filter((r) => r.registrationId === ann);
    expect(JSON.stringify(reminder?.data)).not.toMatch(/ann@example\.org|Ann/);
  });

  it('queues nothing new when it sweeps again, then or five minutes later', async () => {
    const before = await remindersFor([started, soon, afterTheWindow]);
    expect(await sweep(at)).toEqual({ queued: 0 });
    expect(await sweep(new Date(at.getTime() + 5 * 60_000))).toEqual({ queued: 0 });
    expect(await remindersFor([started, soon, afterTheWindow])).toEqual(before);
  });
});

describe('the session reminder sweep', () => {
  it('reminds nobody of a cancelled event', async () => {
    const at = momentOfTest(2);
    const cancelled = await publishedEvent('Rained off', at, [2]);
    await register(cancelled.eventId, await signedUp('Ann'));
    await events.cancelEvent(by(organizer), cancelled.eventId, 'storm warning');
    const held = await publishedEvent('Held indoors', at, [2]);
    const bob = await register(held.eventId, await signedUp('Bob'));
    await projected();

    await sweep(at);

    expect(await remindersFor(cancelled.sessionIds)).toEqual([]);
    expect(await registrationsRemindedOf(held.sessionIds[0]!)).toEqual([bob]);
  });

  it('reminds nobody whose account is disabled', async () => {
    const at = momentOfTest(6);
    const { eventId, sessionIds } = await publishedEvent('Members only', at, [2]);
    const eve = await signedUp('Eve');
    await register(eventId, eve);
    await store.append(accountStream(eve.actor.accountId), [anEvent('AccountDisabled', { disabledBy: 'admin-1', disabledAt: new Date().toISOString() })], 0n);
    const dan = await register(eventId, await signedUp('Dan'));
    await projected();

    await sweep(at);

    expect(await registrationsRemindedOf(sessionIds[0]!)).toEqual([dan]);
  });

  it('sends a queued reminder only if it still applies: not after the registration was cancelled', async () => {
    const at = momentOfTest(7);
    const { eventId, sessionIds } = await publishedEvent('Second thoughts', at, [2]);
    const gus = await signedUp('Gus');
    const [gusRegistration, ivy] = [await register(eventId, gus), await register(eventId, await signedUp('Ivy'))];
    await projected();
    await sweep(at);
    const queued = await remindersFor(sessionIds);
    expect(queued.map((r) => r.registrationId).sort()).toEqual([gusRegistration, ivy].sort());

    await events.cancelRegistration(by(gus.actor), eventId, gusRegistration);
    await projected();
    const sent: string[] = [];
    const sendAt = (now: Date) => {
      const stillDue = reminderStillDue(db.pool, () => now);
      const send = deliverMail({ deliver: async (mail) => void sent.push(mail.to) }, personalData, (data) => stillDue(data.reminder!));
      return async () => {
        for (const { data } of queued) await send([{ data, createdOn: at } as PgBoss.JobWithMetadata<MailJobData>]);
      };
    };
    await sendAt(at)();
    expect(sent).toEqual(['ivy@example.org']);
    // Once the session has started, nobody is reminded of it any more.
    await sendAt(new Date(at.getTime() + 3 * HOUR))();
    expect(sent).toEqual(['ivy@example.org']);
  });

  it('reminds an attendee whose account the read model lacked at first on a later sweep', async () => {
    const at = momentOfTest(3);
    const hal = attendee('Hal');
    const { eventId, sessionIds } = await publishedEvent('Late sign-up', at, [2]);
    const registrationId = await register(eventId, hal);
    await projected();
    expect(await sweep(at)).toEqual({ queued: 0 });

    await signUp(hal);
    await projected();
    expect(await sweep(at)).toEqual({ queued: 1 });
    expect(await remindersFor(sessionIds)).toMatchObject([{ registrationId, mail: { to: 'hal@example.org' } }]);
  });

  it('queues each reminder once when a second sweep starts while the first is queueing', async () => {
    const at = momentOfTest(4);
    const { eventId, sessionIds } = await publishedEvent('Busy day', at, [2]);
    for (const name of ['Ann', 'Bob', 'Cat']) await register(eventId, await signedUp(name));
    await projected();
    let claimed!: () => void;
    const firstHasClaimed = new Promise<void>((resolve) => (claimed = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const paused = new MailJobsWithStep(async (nth) => {
      if (nth > 1) return;
      claimed();
      await released;
    });

    const first = sweep(at, paused);
    await Promise.race([firstHasClaimed, first]);
    const second = sweep(at);
    // At its claim, the second sweep waits for the first's to commit: a lock wait shows it is
    // there, where a fixed pause let a slow second sweep arrive only after the first was done.
    await vi.waitFor(async () => expect(await sessionsWaitingForALock()).toBeGreaterThan(0), { timeout: 30_000, interval: 20 });
    release();

    expect((await first).queued + (await second).queued).toBe(3);
    expect(await remindersFor(sessionIds)).toHaveLength(3);
  });

  it('claims nothing when a sweep fails half-way, so the next sweep queues every reminder', async () => {
    const at = momentOfTest(5);
    const { eventId, sessionIds } = await publishedEvent('Second try', at, [2]);
    const registrationIds = [];
    for (const name of ['Ann', 'Bob']) registrationIds.push(await register(eventId, await signedUp(name)));
    await projected();
    const failing = new MailJobsWithStep(async (nth) => {
      if (nth === 2) throw new Error('the mail queue is gone');
    });

    await expect(sweep(at, failing)).rejects.toThrow('the mail queue is gone');
    expect(await remindersFor(sessionIds)).toEqual([]);

    expect(await sweep(at)).toEqual({ queued: 2 });
    expect(await registrationsRemindedOf(sessionIds[0]!)).toEqual(registrationIds.sort());
  });
});
