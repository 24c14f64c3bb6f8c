import type PgBoss from 'pg-boss';
import nodemailer from 'nodemailer';
import { type MailKind, type MailQueue, type OutgoingMail, Outbox, type TokenMailSubject, nodemailerFields } from '../commands/accounts/outbox.js';
import { deterministicId } from '../commands/deterministic-id.js';
import { DEFAULT_MAIL_FROM } from '../config.js';
import type { Trace } from '../eventstore/trace.js';
import { PersonErased, type PersonalDataKeys } from '../personal-data/personal-data-keys.js';
import { openWith, sealWith } from '../security/master-key.js';
import { MAIL_QUEUE } from './queues.js';

/** Hands a message to whoever carries it on: an SMTP server, or the outbox folder. */
export interface Mailer {
  deliver(message: OutgoingMail): Promise<void>;
}

/** Delivery through an SMTP server (`SMTP_URL`, e.g. smtp://user:pass@host:587). */
export class SmtpMailer implements Mailer {
  private readonly transport;

  constructor(url: string, private readonly from = DEFAULT_MAIL_FROM) {
    this.transport = nodemailer.createTransport(url);
  }

  async deliver(message: OutgoingMail): Promise<void> {
    await this.transport.sendMail({ from: this.from, ...nodemailerFields(message) });
  }

  close(): void {
    this.transport.close();
  }
}

/** Development delivery: a JSON and an .eml file per message in `<DATA_DIR>/outbox`. */
export class OutboxMailer implements Mailer {
  constructor(readonly outbox: Outbox) {}

  async deliver(message: OutgoingMail): Promise<void> {
    await this.outbox.send(message);
  }
}

/** `from`: MAIL_FROM, the sender of every message. */
export const openMailer = (options: { smtpUrl: string | undefined; outboxDir: string; from?: string }): Mailer =>
  options.smtpUrl ? new SmtpMailer(options.smtpUrl, options.from) : new OutboxMailer(new Outbox(options.outboxDir, options.from));

/** The session and registration a reminder is about, so that it can be checked again when it is sent. */
export interface ReminderSubject {
  /** Absent in reminders queued before they named their event. */
  eventId?: string;
  sessionId: string;
  registrationId: string;
}

/** What must still hold when a mail job is sent: for a session reminder what it reminds of, for a one-time token the append that records it. */
export type MailConditions = { reminder?: ReminderSubject; oneTimeToken?: TokenMailSubject };

/**
 * A mail job's data. pg-boss keeps jobs (and their archive) for days, so the message (address,
 * name, one-time token) is sealed under its recipient's personal data key: erasing the person
 * makes their queued and archived mail unreadable too.
 */
export type MailJobData = MailConditions & { recipientId: string; sealed: string; trace?: Trace };

const MAIL_AAD = 'mail-job';

const sealMail = (key: Buffer, message: OutgoingMail): string => sealWith(key, Buffer.from(JSON.stringify(message)), MAIL_AAD).toString('base64');

/** The message a job carries, or undefined once its recipient is erased. */
export const openMail = async (keys: PersonalDataKeys, data: MailJobData): Promise<OutgoingMail | undefined> => {
  const key = (await keys.lookup([data.recipientId])).get(data.recipientId);
  if (key?.status !== 'live') return undefined;
  return JSON.parse(openWith(key.key, Buffer.from(data.sealed, 'base64'), MAIL_AAD).toString('utf8')) as OutgoingMail;
};

/** Whether a queued message should go out now; throwing asks for a retry later. */
export type MailStillDue = (data: MailJobData, queuedAt: Date) => Promise<boolean>;

/** Seconds a token's mail waits, so the append queued after it has usually happened by then. */
const TOKEN_MAIL_DELAY_S = 1;

/** Queues mail as `mail` jobs; `db` puts the job in the caller's transaction. */
export class MailJobs implements MailQueue {
  constructor(
    private readonly boss: () => Promise<PgBoss>,
    private readonly keys: PersonalDataKeys,
  ) {}

  /** Mail to an erased person is not queued: there is nobody to send it to. `trace` names the request it goes out for, in the job's log lines. */
  async enqueue(
    recipientId: string,
    message: OutgoingMail,
    conditions: MailConditions = {},
    options: PgBoss.SendOptions = {},
    trace?: Trace,
  ): Promise<void> {
    let key: Buffer;
    try {
      key = await this.keys.keyFor(recipientId);
    } catch (error) {
      if (error instanceof PersonErased) return;
      throw error;
    }
    const traced = trace ? { trace: { correlationId: trace.correlationId, causationId: trace.causationId } } : {};
    await (await this.boss()).send(MAIL_QUEUE, { ...conditions, recipientId, sealed: sealMail(key, message), ...traced } satisfies MailJobData, options);
  }

  /** Keyed by the token's hash: queued twice (a retried command), it is one job. */
  async enqueueTokenMail(message: OutgoingMail, subject: TokenMailSubject, trace?: Trace): Promise<void> {
    const options = { id: deterministicId('token-mail', subject.tokenHash), startAfter: TOKEN_MAIL_DELAY_S };
    await this.enqueue(subject.accountId, message, { oneTimeToken: subject }, options, trace);
  }

  async enqueueNotice(recipientId: string, message: OutgoingMail, id: string, trace?: Trace): Promise<void> {
    await this.enqueue(recipientId, message, {}, { id }, trace);
  }
}

/**
 * The `mail` queue's handler: delivers each message of the batch that `stillDue` lets through.
 * A reminder queued hours ahead may no longer apply; a token's mail is queued before the
 * append that records the token, which may not have happened (yet). Work it with
 * `includeMetadata: true`: when a job was queued is part of the check.
 */
export const deliverMail =
  (mailer: Mailer, keys: PersonalDataKeys, stillDue: MailStillDue = async () => true) =>
  async (jobs: PgBoss.JobWithMetadata<MailJobData>[]): Promise<{ sent: MailKind[]; skipped: number }> => {
    const sent: MailKind[] = [];
    let skipped = 0;
    for (const { data, createdOn } of jobs) {
      const message = await openMail(keys, data);
      if (message && (await stillDue(data, createdOn))) {
        await mailer.deliver(message);
        // Kept with the job and logged with its trace: what went out, never to whom.
        sent.push(message.kind);
      } else skipped++;
    }
    return { sent, skipped };
  };
