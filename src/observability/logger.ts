import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Rollcall's one log format: pino's JSON lines on stdout, for every role and for what kafkajs
 * and PostgreSQL say through it; on a terminal the same lines, made readable by pino-pretty.
 * Written synchronously (in this thread, not a transport's worker), so that the lines a
 * process writes just before it exits are not lost.
 */
export const createLogger = (level: LogLevel, destination?: DestinationStream): Logger => {
  const stream =
    destination ??
    (process.stdout.isTTY ? pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }) : pino.destination({ fd: 1, sync: true }));
  return pino({ level }, stream);
};

/**
 * Where start-up and shutdown are told: at `info` whatever LOG_LEVEL says (unless `silent`),
 * because where a process listens and that it stopped is what an operator always needs to
 * see, and what the specs that spawn a role wait for.
 */
export const lifecycleLog = (log: Logger): Logger => (log.level === 'silent' ? log : log.child({}, { level: 'info' }));
