/** Where a follower says what it does; pino-shaped, so a fastify or pino logger fits. */
export interface FollowerLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const noLog: FollowerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
