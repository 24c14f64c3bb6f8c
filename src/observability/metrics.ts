import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Work inside one request: 1 ms to 10 s. */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Jobs take from milliseconds (a mail to the outbox) to hours (a rebuild of a large log). */
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3_600, 14_400];
/** From a forecast's arithmetic (well under a millisecond) to a face model on a CPU (tens to hundreds of ms). */
const INFERENCE_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** One sample of a gauge read when scraped. */
export interface Sample<L extends string> {
  labels: Partial<Record<L, string>>;
  value: number;
}

/**
 * A process's metrics: prom-client's default process metrics and Rollcall's own, in a registry
 * of the process's own (made once in src/main.ts and handed to what records), so that two apps
 * built in one test process never add up into each other. Names follow Prometheus's
 * conventions: `rollcall_` first, base units (`_seconds`), `_total` on counters.
 */
export class Metrics {
  readonly registry = new Registry();

  /** Each GraphQL request over HTTP, by its root field (`multiple` for several), operation type and outcome (`ok` or the first error's code). */
  readonly graphqlOperations = new Histogram<'operation' | 'type' | 'outcome'>({
    name: 'rollcall_graphql_operation_duration_seconds',
    help: 'GraphQL operations over HTTP, from request to response, by root field, operation type and outcome (ok or the first error code).',
    labelNames: ['operation', 'type', 'outcome'],
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });

  /** Each command handled, by its type and outcome: ok, replayed (a resend), or the refusal's code. */
  readonly commands = new Histogram<'command' | 'outcome'>({
    name: 'rollcall_command_duration_seconds',
    help: 'Commands from handing over to decided and appended, by command type and outcome (ok, replayed, or the error code).',
    labelNames: ['command', 'outcome'],
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });

  readonly eventsAppended = new Counter<'type'>({
    name: 'rollcall_events_appended_total',
    help: 'Events the commands of this process appended to the event store, by event type.',
    labelNames: ['type'],
    registers: [this.registry],
  });

  readonly jobs = new Histogram<'queue' | 'outcome'>({
    name: 'rollcall_job_duration_seconds',
    help: 'Background jobs this process worked, by queue and outcome (ok or failed).',
    labelNames: ['queue', 'outcome'],
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });

  readonly jobFailures = new Counter<'queue'>({
    name: 'rollcall_job_failures_total',
    help: 'Attempts at a background job that failed in this process (pg-boss retries them, then dead-letters them), by queue.',
    labelNames: ['queue'],
    registers: [this.registry],
  });

  /** One inference of a model: a forecast of one event's registrations, one face photo enrolled or verified. */
  readonly inference = new Histogram<'model'>({
    name: 'rollcall_ml_inference_duration_seconds',
    help: 'Model inferences, by model (attendance-forecast: one event’s registrations at once; face-enrollment, face-verification: one photo, decoding and the wait for a worker included).',
    labelNames: ['model'],
    buckets: INFERENCE_BUCKETS,
    registers: [this.registry],
  });

  private readonly readFailures = new Counter<'metric'>({
    name: 'rollcall_metric_read_failures_total',
    help: 'Scrapes at which a gauge read from PostgreSQL or Kafka could not be read (its series are then left out), by gauge.',
    labelNames: ['metric'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** One job worked: its seconds, and a failure counted. */
  jobDone(queue: string, outcome: 'ok' | 'failed', seconds: number): void {
    this.jobs.observe({ queue, outcome }, seconds);
    if (outcome === 'failed') this.jobFailures.inc({ queue });
  }

  /** Starts timing one inference of `model`; the function returned stops it. */
  timeInference(model: string): () => void {
    const end = this.inference.startTimer({ model });
    return () => void end();
  }

  /**
   * A gauge whose samples `read` fetches at each scrape (positions, lag, queue depths: state
   * that lives in PostgreSQL). One that cannot be read is left out of that scrape, and counted.
   */
  gaugeReading<L extends string>(name: string, help: string, labelNames: readonly L[], read: () => Promise<Sample<L>[]>): void {
    const failures = this.readFailures;
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const { labels, value } of await read()) this.set(labels, value);
        } catch {
          failures.inc({ metric: name });
        }
      },
    });
  }

  /** The Prometheus text exposition of everything registered. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * `read` shared by the gauges of one scrape: they are collected side by side, and one query
 * (every checkpoint, every queue) answers all of them. A result is reused for `ttlMs`.
 */
export const perScrape = <T>(read: () => Promise<T>, ttlMs = 1_000): (() => Promise<T>) => {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > ttlMs) {
      const value = read();
      last = { at: Date.now(), value };
      // A failed read is not kept: the next gauge (or scrape) asks again.
      value.catch(() => {
        if (last?.value === value) last = undefined;
      });
    }
    return last.value;
  };
};
