import { type logCreator, logLevel } from 'kafkajs';
import type { FollowerLog } from '../log-follower/follower-log.js';

/**
 * kafkajs's own lines into Rollcall's log, in place of its console JSON: ERROR and WARN at
 * their level, the rest at info, each with the client's namespace and fields. Which lines
 * kafkajs emits at all is still each client's `logLevel`. None once `stopping()`: leaving a
 * group makes its heartbeats fail ("the group is rebalancing"), which is our own doing.
 */
export const kafkaLogCreator =
  (log: FollowerLog, stopping: () => boolean = () => false): logCreator =>
  () =>
  ({ namespace, level, log: { message, timestamp: _timestamp, ...fields } }) => {
    if (stopping()) return;
    const details = { kafkajs: namespace, ...fields };
    const line = `kafkajs ${namespace}: ${message}`;
    if (level === logLevel.ERROR) log.error(details, line);
    else if (level === logLevel.WARN) log.warn(details, line);
    else log.info(details, line);
  };
