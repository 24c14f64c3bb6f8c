import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type DocumentNode, type ExecutionResult, Kind, type OperationDefinitionNode } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import type { Histogram } from 'prom-client';

interface Operation {
  operation: string;
  type: string;
}

const UNKNOWN: Operation = { operation: 'unknown', type: 'unknown' };

const chosen = (document: DocumentNode, operationName: unknown): OperationDefinitionNode | undefined => {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return typeof operationName === 'string' ? operations.find((o) => o.name?.value === operationName) : operations[0];
};

/**
 * What a request is labelled by: its root field (`register`, `event`), or `multiple` when it
 * asks for several, with its operation type. Never the client's operation name, which any
 * client can make up: the schema's fields are a bounded set of labels, made-up names are not.
 */
export const operationOf = (document: DocumentNode, operationName?: unknown): Operation => {
  const operation = chosen(document, operationName);
  if (!operation) return UNKNOWN;
  const fields = new Set(
    operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD && !s.name.value.startsWith('__') ? [s.name.value] : [])),
  );
  const [only] = fields;
  return { operation: fields.size === 1 ? only! : fields.size === 0 ? 'unknown' : 'multiple', type: operation.operation };
};

type ErrorFormatter = (execution: ExecutionResult & { errors: readonly unknown[] }, context: MercuriusContext) => { statusCode: number; response: ExecutionResult };

/**
 * Times each GraphQL request over HTTP, from its arrival to its response, by operation and
 * outcome: `ok`, or the code of its first error as the client is told it (the error
 * formatter's), or `HTTP_<status>` for a request refused before GraphQL saw it.
 * Subscriptions over the websocket are not requests, and not timed.
 */
export class OperationMetrics {
  private readonly operations = new WeakMap<FastifyRequest, Operation>();
  private readonly outcomes = new WeakMap<FastifyRequest, string>();

  constructor(private readonly histogram: Histogram<'operation' | 'type' | 'outcome'>) {}

  /** Before mercurius is registered, so that the hook covers its route. */
  timeRequests(app: FastifyInstance, path: string): void {
    app.addHook('onResponse', async (request, reply) => {
      if (request.routeOptions.url !== path || request.headers.upgrade) return;
      const operation = this.operations.get(request) ?? UNKNOWN;
      const outcome = this.outcomes.get(request) ?? (reply.statusCode < 400 ? 'ok' : `HTTP_${reply.statusCode}`);
      this.histogram.observe({ ...operation, outcome }, reply.elapsedTime / 1_000);
    });
  }

  /** Once mercurius is registered: names each operation as it is about to run. */
  nameOperations(app: FastifyInstance): void {
    app.graphql.addHook('preExecution', async (_schema, document, context) => {
      const request = context.reply?.request;
      if (request) this.operations.set(request, operationOf(document, (request.body as { operationName?: unknown } | undefined)?.operationName));
    });
  }

  /** The error formatter, noting the code of the first error each answer carries. */
  formattingErrors(format: ErrorFormatter): ErrorFormatter {
    return (execution, context) => {
      const formatted = format(execution, context);
      const code = formatted.response.errors?.[0]?.extensions?.code;
      const request = context?.reply?.request;
      if (request && typeof code === 'string' && !this.outcomes.has(request)) this.outcomes.set(request, code);
      return formatted;
    };
  }
}
