import type PgBoss from 'pg-boss';
import nodemailer from 'nodemailer';
import { MAIL_FROM, type MailQueue, type OutgoingMail, Outbox, type TokenMailSubject, nodemailerFields } from '../commands/accounts/outbox.js';
import { deterministicId } from '../commands/deterministic-id.js';
import { MAIL_QUEUE } from './queues.js';

/** Hands a message to whoever carries it on: an SMTP server, or the outbox folder. */
export interface Mailer {
  deliver(message: OutgoingMail): Promise<void>;
}

/** Delivery through an SMTP server (`SMTP_URL`, e.g. smtp://user:pass@host:587). */
export class SmtpMailer implements Mailer {
  private readonly transport;

  constructor(url: string, private readonly from = MAIL_FROM) {
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

export const openMailer = (options: { smtpUrl: string | undefined; outboxDir: string }): Mailer =>
  options.smtpUrl ? new SmtpMailer(options.smtpUrl) : new OutboxMailer(new Outbox(options.outboxDir));

/** The session and registration a reminder is about, so that it can be checked again when it is sent. */
export interface ReminderSubject {
  /** Absent in reminders queued before they named their event. */
  eventId?: string;
  sessionId: string;
  registrationId: string;
}

/**
 * A mail job's data: the message, and what must still hold when it is sent: for a session
 * reminder what it reminds of, for a one-time token the append that records it.
 */
export type MailJobData = OutgoingMail & { reminder?: ReminderSubject; oneTimeToken?: TokenMailSubject };

/** Whether a queued message should go out now; throwing asks for a retry later. */
export type MailStillDue = (data: MailJobData, queuedAt: Date) => Promise<boolean>;

/** Seconds a token's mail waits, so the append queued after it has usually happened by then. */
const TOKEN_MAIL_DELAY_S = 1;

/** Queues mail as `mail` jobs; `db` puts the job in the caller's transaction. */
export class MailJobs implements MailQueue {
  constructor(private readonly boss: () => Promise<PgBoss>) {}

  async enqueue(message: MailJobData, options: PgBoss.SendOptions = {}): Promise<void> {
    await (await this.boss()).send(MAIL_QUEUE, message, options);
  }

  /** Keyed by the token's hash: queued twice (a retried command), it is one job. */
  async enqueueTokenMail(message: OutgoingMail, subject: TokenMailSubject): Promise<void> {
    await this.enqueue({ ...message, oneTimeToken: subject }, { id: deterministicId('token-mail', subject.tokenHash), startAfter: TOKEN_MAIL_DELAY_S });
  }
}

/**
 * The `mail` queue's handler: delivers each message of the batch that `stillDue` lets through.
 * A reminder queued hours ahead may no longer apply; a token's mail is queued before the
 * append that records the token, which may not have happened (yet). Work it with
 * `includeMetadata: true`: when a job was queued is part of the check.
 */
export const deliverMail =
  (mailer: Mailer, stillDue: MailStillDue = async () => true) =>
  async (jobs: PgBoss.JobWithMetadata<MailJobData>[]): Promise<{ skipped: number }> => {
    let skipped = 0;
    for (const { data, createdOn } of jobs) {
      const { reminder: _reminder, oneTimeToken: _token, ...message } = data;
      if (await stillDue(data, createdOn)) await mailer.deliver(message);
      else skipped++;
    }
    return { skipped };
  };
