import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { TokenService } from '../commands/accounts/token-service.js';
import { TicketCodes } from '../commands/tickets/ticket-codes.js';
import { refreshForecasts } from '../ml/forecast/refresh-forecasts.js';
import { retrainForecastModel } from '../ml/forecast/retrain-model.js';
import type { Jobs } from '../projections/rebuild-jobs.js';
import type { EventStore } from '../eventstore/event-store.js';
import { MailJobs, type MailStillDue, type Mailer, deliverMail, openMailer } from './mailer.js';
import {
  FORECAST_REFRESH_QUEUE,
  MAIL_QUEUE,
  MODEL_RETRAINING_QUEUE,
  SESSION_REMINDER_QUEUE,
  TICKET_DELIVERY_QUEUE,
} from './queues.js';
import { SESSION_REMINDER_CRON, reminderStillDue, sweepSessionReminders } from './session-reminders.js';
import { type TicketDeliveryData, deliverTicket } from './ticket-delivery.js';
import { tokenMailDue } from './token-mail.js';

export const FORECAST_REFRESH_CRON = '0 * * * *';
export const MODEL_RETRAINING_CRON = '0 3 * * *';

export interface JobWorkerDependencies {
  jobs: Jobs;
  pool: pg.Pool;
  /** Read by token mail, to send a one-time token only once its append happened. */
  store: EventStore;
  mailer: Mailer;
  codes: TicketCodes;
  log?: (line: string) => void;
}

/**
 * Works every queue in this process (the projector's) and keeps the schedules: mail,
 * ticket delivery, the session reminder sweep, and the attendance forecasts' refresh and
 * retraining. One job at a time per queue, so a failure fails only its own job.
 */
export const startJobWorkers = async (deps: JobWorkerDependencies): Promise<void> => {
  const log = deps.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const boss = await deps.jobs.boss();
  const one = { batchSize: 1 };
  await boss.work(MAIL_QUEUE, { ...one, includeMetadata: true }, deliverMail(deps.mailer, mailStillDue(deps)));
  await boss.work<TicketDeliveryData>(TICKET_DELIVERY_QUEUE, one, ([job]) => deliverTicket(deps, job!.data));
  await boss.work(SESSION_REMINDER_QUEUE, one, () => sweepSessionReminders({ pool: deps.pool, mail: mailJobs(deps.jobs) }));
  const forecasts = { pool: deps.pool, log };
  await boss.work(FORECAST_REFRESH_QUEUE, one, ([job]) => refreshForecasts(forecasts, job!.data));
  await boss.work(MODEL_RETRAINING_QUEUE, one, () => retrainForecastModel(forecasts));
  await schedule(boss);
};

/** Reminders and token mail are checked again as they go out; other mail always goes. */
const mailStillDue = ({ pool, store }: JobWorkerDependencies): MailStillDue => {
  const reminder = reminderStillDue(pool);
  const token = tokenMailDue(store);
  return async (data, queuedAt) => {
    if (data.reminder) return reminder(data.reminder);
    if (data.oneTimeToken) return token(data.oneTimeToken, queuedAt);
    return true;
  };
};

/** Cron schedules live in pg-boss's tables; one instance a minute turns them into jobs. */
export const schedule = async (boss: PgBoss): Promise<void> => {
  await boss.schedule(SESSION_REMINDER_QUEUE, SESSION_REMINDER_CRON, {}, { tz: 'UTC' });
  await boss.schedule(FORECAST_REFRESH_QUEUE, FORECAST_REFRESH_CRON, {}, { tz: 'UTC' });
  await boss.schedule(MODEL_RETRAINING_QUEUE, MODEL_RETRAINING_CRON, {}, { tz: 'UTC' });
};

/** Account mail as `mail` jobs, for AccountCommands. */
export const mailJobs = (jobs: Jobs): MailJobs => new MailJobs(() => jobs.boss());

/** The workers as a process runs them: mail by SMTP when configured, tickets signed with the shared ticket key. */
export const startJobWorkersOn = (
  { jobs, pool, store }: { jobs: Jobs; pool: pg.Pool; store: EventStore },
  mail: { smtpUrl: string | undefined; outboxDir: string },
): Promise<void> => {
  const tokens = new TokenService(pool);
  return startJobWorkers({ jobs, pool, store, mailer: openMailer(mail), codes: new TicketCodes(() => tokens.ticketKeys()) });
};
