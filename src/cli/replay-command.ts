import type { EventStore } from '../eventstore/event-store.js';
import { aggregateAt, parseReplayPoint, streamHistory } from '../read-api/audit-replay.js';

export const REPLAY_USAGE = 'rollcall admin replay <stream> [--at <revision|ISO time>] [--json]';

/**
 * `rollcall admin replay`: a stream's events with their metadata, and the state the domain
 * folds them to at a revision or time. Returns the exit code.
 */
export const replayCommand = async (args: string[], store: EventStore, print: (line: string) => void): Promise<number> => {
  const json = args.includes('--json');
  const rest = args.filter((arg) => arg !== '--json');
  const atIndex = rest.indexOf('--at');
  const at = atIndex >= 0 ? rest[atIndex + 1] : undefined;
  const streamId = (atIndex >= 0 ? rest.filter((_, i) => i !== atIndex && i !== atIndex + 1) : rest)[0];
  if (!streamId || (atIndex >= 0 && at === undefined)) {
    print(`Usage: ${REPLAY_USAGE}`);
    return 2;
  }
  const point = parseReplayPoint(at);
  const history = (await streamHistory(store, streamId)).filter((event) =>
    point === undefined ? true : 'revision' in point ? BigInt(event.revision) <= point.revision : new Date(event.recordedAt) <= point.time,
  );
  const state = await aggregateAt(store, streamId, point);
  if (json) {
    print(JSON.stringify({ streamId, history, state }));
    return 0;
  }
  print(`${streamId}: ${history.length} event(s)${at ? ` up to ${at}` : ''}`);
  for (const event of history) {
    const { actorId, correlationId } = event.metadata as { actorId?: string; correlationId?: string };
    print(`  #${event.revision}  @${event.position}  ${event.recordedAt}  ${event.type}  by ${actorId}  (correlation ${correlationId})`);
    print(`      ${JSON.stringify(event.data)}`);
  }
  print(`State after revision ${state.revision ?? '(none)'}:`);
  print(JSON.stringify(state.state, null, 2));
  return 0;
};
