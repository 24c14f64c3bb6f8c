import { type Exchange, type GraphqlAnswer, describeExchange } from './http-client.js';
import type { World } from './world.js';

/** The parts of the system a probe attacks; the runner groups its report by them. */
export type Area = 'tokens' | 'keys' | 'tickets' | 'authorization' | 'bad input' | 'accounts' | 'whole run';

/**
 * One check against a running server, over HTTP only. Its name says the behaviour it expects,
 * so that a failing line reads as the promise that was broken.
 */
export interface Probe {
  area: Area;
  name: string;
  /** Throws a ProbeFailure when the server does not behave; may return a note for the report. */
  run(world: World): Promise<string | void>;
}

/** A broken expectation; its message shows the requests and answers that broke it. */
export class ProbeFailure extends Error {
  override readonly name = 'ProbeFailure';

  constructor(expected: string, exchanges: Exchange[] = []) {
    super([expected, ...exchanges.map(describeExchange)].join('\n      '));
  }
}

export const fail = (expected: string, ...exchanges: Exchange[]): never => {
  throw new ProbeFailure(expected, exchanges);
};

export const expectThat = (condition: boolean, expected: string, ...exchanges: Exchange[]): void => {
  if (!condition) fail(expected, ...exchanges);
};

export const codeOf = (answer: GraphqlAnswer): string | undefined => answer.errors?.[0]?.extensions?.code;

/** A GraphQL refusal with `code`, and with `status` when the API promises one. */
export const expectRefusal = (answer: GraphqlAnswer, code: string, status?: number): GraphqlAnswer['errors'] & object => {
  const statusOk = status === undefined ? answer.status < 500 : answer.status === status;
  if (codeOf(answer) !== code || !statusOk) fail(`expected ${status ?? 'a 4xx or 200 with'} errors[0].extensions.code ${code}`, answer);
  return answer.errors!;
};

/** The value of root field `field`, which the request must have been answered with, without errors. */
export const expectField = <T = Record<string, unknown>>(answer: GraphqlAnswer, field: string): T => {
  const value = answer.data?.[field];
  if (answer.status !== 200 || answer.errors?.length || value === null || value === undefined) fail(`expected 200 with data.${field} and no errors`, answer);
  return value as T;
};

/** Asks `attempt` again every `everyMs` until it gives a value, or gives up with undefined after `withinMs`. */
export const eventually = async <T>(attempt: () => Promise<T | undefined>, withinMs: number, everyMs = 500): Promise<T | undefined> => {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
};
