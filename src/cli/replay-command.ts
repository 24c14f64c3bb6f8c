import { Command } from 'commander';
import { DomainError } from '../domain/domain-error.js';
import type { EventStore } from '../eventstore/event-store.js';
import { type ReplayPoint, aggregateAt, parseReplayPoint, streamHistory } from '../read-api/audit-replay.js';
import { type CliOutput, UsageError, exits } from './command-line.js';

export interface ReplayCommandDeps extends CliOutput {
  /** Opened only once the arguments are known to be good. */
  connect(): Promise<{ store: EventStore }>;
}

/**
 * `rollcall admin replay <stream>`: a stream's events with their metadata, and the state the
 * domain folds them to at a revision or time. A stream with no event is not there (exit 1).
 */
export const replayCommand = (deps: ReplayCommandDeps): Command =>
  new Command('replay')
    .description("a stream's events with their metadata, and the state the domain folds them to")
    .argument('<stream>', 'the stream, e.g. event-<eventId> or account-<accountId>')
    .option('--at <revision|time>', 'stop at this revision or ISO time')
    .option('--json', 'as JSON')
    .action(
      exits(async (streamId: string, options: { at?: string; json?: boolean }) => {
        const point = replayPoint(options.at);
        const { store } = await deps.connect();
        const stored = await streamHistory(store, streamId);
        if (stored.length === 0) {
          deps.err(`No stream "${streamId}" is stored`);
          return 1;
        }
        const history = stored.filter((event) =>
          point === undefined ? true : 'revision' in point ? BigInt(event.revision) <= point.revision : new Date(event.recordedAt) <= point.time,
        );
        const state = await aggregateAt(store, streamId, point);
        if (options.json) {
          deps.out(JSON.stringify({ streamId, history, state }));
          return 0;
        }
        deps.out(`${streamId}: ${history.length} event(s)${options.at ? ` up to ${options.at}` : ''}`);
        for (const event of history) {
          const { actorId, correlationId } = event.metadata as { actorId?: string; correlationId?: string };
          deps.out(`  #${event.revision}  @${event.position}  ${event.recordedAt}  ${event.type}  by ${actorId}  (correlation ${correlationId})`);
          deps.out(`      ${JSON.stringify(event.data)}`);
        }
        deps.out(`State after revision ${state.revision ?? '(none)'}:`);
        deps.out(JSON.stringify(state.state, null, 2));
        return 0;
      }),
    );

const replayPoint = (at: string | undefined): ReplayPoint => {
  try {
    return parseReplayPoint(at);
  } catch (error) {
    if (error instanceof DomainError) throw new UsageError(`--${error.message}`);
    throw error;
  }
};
