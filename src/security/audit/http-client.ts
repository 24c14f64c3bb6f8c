/** What the audit sent to the server, and what came back: the whole story of a failed probe. */
export interface Exchange {
  method: string;
  path: string;
  /** Request headers worth showing; an Authorization header is shortened. */
  headers: Record<string, string>;
  body: string;
  status: number;
  responseHeaders: Record<string, string>;
  contentType: string;
  text: string;
  /** The body parsed, or undefined when it was not JSON. */
  json: unknown;
}

/** A GraphQL answer as the probes read it. */
export interface GraphqlAnswer extends Exchange {
  data: Record<string, unknown> | null | undefined;
  errors: { message: string; extensions?: { code?: string; [key: string]: unknown } }[] | undefined;
}

export interface Request {
  method?: string;
  /** Sent exactly as given, so probes can send paths no URL builder would make. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

const SHOWN = 400;

/** A stack frame (`at fn (file.js:1:2)`, escaped in JSON or not), or the extension some servers put one in. */
const STACK_TRACE = /(\\n|\n)\s+at \S+ \(|"stacktrace"|"exception"\s*:/;

const shorten = (text: string, length = SHOWN): string => (text.length > length ? `${text.slice(0, length)}… (${text.length} characters)` : text);

/** One line a reader can act on: the request, and the answer it got. */
export const describeExchange = (exchange: Exchange): string => {
  const headers = Object.entries(exchange.headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('; ');
  const sent = `${exchange.method} ${exchange.path}${headers ? ` [${headers}]` : ''}${exchange.body ? ` ${shorten(exchange.body)}` : ''}`;
  return `sent ${sent}\n      got ${exchange.status} ${exchange.contentType || '(no content type)'} ${shorten(exchange.text)}`;
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * The audit's only way to the server: plain HTTP. It keeps every answer that breaks the rules
 * that hold for the whole API (no 5xx, every refusal in JSON), whichever probe or set-up step
 * made the request, so that the last probe can report them all.
 */
export class AuditClient {
  readonly serverErrors: Exchange[] = [];
  readonly refusalsNotInJson: Exchange[] = [];
  readonly internalsShown: Exchange[] = [];
  requests = 0;

  constructor(readonly baseUrl: string) {}

  async send(request: Request): Promise<Exchange> {
    const method = request.method ?? 'GET';
    const response = await fetch(`${this.baseUrl}${request.path}`, {
      method,
      headers: request.headers ?? {},
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    this.requests++;
    const text = await response.text();
    const shownHeaders = { ...(request.headers ?? {}) };
    if (shownHeaders.authorization) shownHeaders.authorization = shorten(shownHeaders.authorization, 40);
    const exchange: Exchange = {
      method,
      path: request.path,
      headers: shownHeaders,
      body: request.body ?? '',
      status: response.status,
      responseHeaders: Object.fromEntries(response.headers),
      contentType: response.headers.get('content-type') ?? '',
      text,
      json: parseJson(text),
    };
    if (exchange.status >= 500) this.serverErrors.push(exchange);
    if (exchange.status >= 400 && exchange.json === undefined) this.refusalsNotInJson.push(exchange);
    if (STACK_TRACE.test(text)) this.internalsShown.push(exchange);
    return exchange;
  }

  /** A GraphQL request by POST, anonymous or with an access token. */
  async graphql(query: string, variables: Record<string, unknown> = {}, accessToken?: string): Promise<GraphqlAnswer> {
    const exchange = await this.send({
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return asGraphql(exchange);
  }
}

export const asGraphql = (exchange: Exchange): GraphqlAnswer => {
  const body = (exchange.json && typeof exchange.json === 'object' ? exchange.json : {}) as Pick<GraphqlAnswer, 'data' | 'errors'>;
  return { ...exchange, data: body.data, errors: body.errors };
};
