import type PgBoss from 'pg-boss';

/** Projection rebuilds that admins ask for through the API. */
export const REBUILD_QUEUE = 'projection-rebuild';
/** Verification and password reset mail, and session reminders: one message per job. */
export const MAIL_QUEUE = 'mail';
/** A confirmed registration's ticket, mailed with its QR code. */
export const TICKET_DELIVERY_QUEUE = 'ticket-delivery';
/** The cron sweep that queues reminders for sessions starting within a day. */
export const SESSION_REMINDER_QUEUE = 'session-reminder';
/** Attendance forecasts for upcoming sessions: hourly for every event, or `{ eventId }` for one that changed. */
export const FORECAST_REFRESH_QUEUE = 'forecast-refresh';
/** The daily retraining of the show-up model on past sessions. */
export const MODEL_RETRAINING_QUEUE = 'model-retraining';
/** The sweep that deletes door photos never judged (the face verification reactor was down), every minute. */
export const DOOR_PHOTO_SWEEP_QUEUE = 'door-photo-sweep';
/** One attempt to deliver a webhook delivery: src/webhooks/ schedules its own retries, as new jobs. */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';
/** The sweep that queues again a lane's head whose job was dead-lettered, every minute. */
export const WEBHOOK_LANE_SWEEP_QUEUE = 'webhook-lane-sweep';
/** The daily deletion of webhook deliveries (and their attempts) finished long ago. */
export const WEBHOOK_RETENTION_QUEUE = 'webhook-retention';

export type QueueSettings = Required<Pick<PgBoss.Queue, 'retryLimit' | 'retryDelay' | 'retryBackoff' | 'expireInSeconds'>> &
  Pick<PgBoss.Queue, 'policy'>;

/**
 * Every queue Rollcall works, with its retry policy. Backoff doubles `retryDelay` (seconds)
 * each attempt, with jitter; a job still failing after `retryLimit` retries is copied to
 * the queue's dead letter queue, where it stays for an admin to look at (and `retryJob`).
 * `expireInSeconds` bounds one attempt: a worker that dies mid-job leaves it active, and
 * pg-boss's maintenance hands it back for a retry once it has expired.
 */
export const QUEUES: Readonly<Record<string, QueueSettings>> = {
  [MAIL_QUEUE]: { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 60 },
  [TICKET_DELIVERY_QUEUE]: { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  [SESSION_REMINDER_QUEUE]: { retryLimit: 2, retryDelay: 60, retryBackoff: true, expireInSeconds: 240 },
  [FORECAST_REFRESH_QUEUE]: { retryLimit: 2, retryDelay: 60, retryBackoff: true, expireInSeconds: 600 },
  [MODEL_RETRAINING_QUEUE]: { retryLimit: 2, retryDelay: 300, retryBackoff: true, expireInSeconds: 3_600 },
  // The next minute's sweep does the same work: a failed one needs no more than one retry.
  [DOOR_PHOTO_SWEEP_QUEUE]: { retryLimit: 1, retryDelay: 10, retryBackoff: false, expireInSeconds: 50 },
  // pg-boss retries only a worker that failed (its database down): a receiver's failures are
  // the delivery's own retries (src/webhooks/retry-policy.ts). An attempt takes at most 10 s.
  [WEBHOOK_DELIVERY_QUEUE]: { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 },
  [WEBHOOK_LANE_SWEEP_QUEUE]: { retryLimit: 1, retryDelay: 10, retryBackoff: false, expireInSeconds: 50 },
  [WEBHOOK_RETENTION_QUEUE]: { retryLimit: 2, retryDelay: 300, retryBackoff: true, expireInSeconds: 3_600 },
  // A rebuild is resumable, so an expired attempt carries on where the last one stopped.
  // 'short' makes a job's singletonKey unique among queued jobs (on a standard queue it does
  // nothing without singletonSeconds): one waiting rebuild per projection.
  [REBUILD_QUEUE]: { retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 4 * 3_600, policy: 'short' },
};

export const deadLetterQueue = (queue: string): string => `${queue}-dead`;

export const isDeadLetterQueue = (queue: string): boolean => queue.endsWith('-dead');

/**
 * Creates a queue and its dead letter queue, or brings an existing one's settings up to
 * date (createQueue leaves a queue that exists as it is). Dead letters are kept 14 days and
 * never retried on their own.
 */
export const createQueue = async (boss: PgBoss, name: string, settings: QueueSettings): Promise<void> => {
  const dead = deadLetterQueue(name);
  const deadSettings = { retryLimit: 0, retentionMinutes: 14 * 24 * 60 };
  await boss.createQueue(dead, { name: dead, ...deadSettings });
  const options = { name, ...settings, deadLetter: dead };
  await boss.createQueue(name, options);
  await boss.updateQueue(name, options);
};

export const createQueues = async (boss: PgBoss): Promise<void> => {
  for (const [name, settings] of Object.entries(QUEUES)) await createQueue(boss, name, settings);
};
