/**
 * Which request a piece of work belongs to and what caused it: the envelope's correlation and
 * causation ids (EventMetadata), carried from the events a request appends into the jobs, mail
 * and log lines they lead to, so that one grep for a request id follows it to its mail.
 */
export interface Trace {
  correlationId: string;
  causationId: string;
}

/** What an event leads to belongs to the event's request, and the event is its cause. */
export const causedBy = (event: { id: string; correlationId: string }): Trace => ({ correlationId: event.correlationId, causationId: event.id });

/** The trace a job's data carries; none for jobs the scheduler queued, or that were queued before jobs carried one. */
export const traceOf = (data: unknown): Trace | undefined => {
  const trace = (data as { trace?: Partial<Trace> } | null | undefined)?.trace;
  return typeof trace?.correlationId === 'string' && typeof trace.causationId === 'string'
    ? { correlationId: trace.correlationId, causationId: trace.causationId }
    : undefined;
};
