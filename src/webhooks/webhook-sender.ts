import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { DomainError } from '../domain/domain-error.js';
import { type Resolver, resolveTarget, systemResolver } from './resolve-target.js';

/** What one attempt came to, as the attempt log keeps it. */
export interface Attempted {
  /** Undefined when no response came: a refused address, a connection error, a timeout. */
  statusCode: number | undefined;
  latencyMs: number;
  /** The start of the response body, as text. */
  excerpt: string | null;
  error: string | null;
}

export interface SenderOptions {
  /** WEBHOOK_ALLOW_HOSTS. */
  allowHosts: readonly string[];
  resolve?: Resolver;
  /** A response (status and body) must have come within it (default 10 s). */
  timeoutMs?: number;
  /** The most of a response body read; the rest is cut off (default 64 KB). */
  maxResponseBytes?: number;
  /** Connections kept open per host, so that many deliveries to one receiver do not each pay a TCP and TLS handshake. */
  maxSockets?: number;
}

const EXCERPT_CHARS = 1_000;

/**
 * POSTs deliveries. Before every attempt the URL is checked again and its host resolved, and
 * the connection goes to the address that was checked (the socket's lookup answers with it),
 * so a name that resolved to a public address at creation and to 127.0.0.1 now is refused,
 * and one that changes its answer between check and connect cannot slip through. Redirects
 * are not followed: a 3xx is a failed attempt like any other non-2xx.
 */
export class WebhookSender {
  private readonly agents: { 'http:': http.Agent; 'https:': https.Agent };
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly resolve: Resolver;

  constructor(private readonly options: SenderOptions) {
    const agent = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
    this.agents = { 'http:': new http.Agent(agent), 'https:': new https.Agent(agent) };
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 65_536;
    this.resolve = options.resolve ?? systemResolver;
  }

  async post(url: string, headers: Record<string, string>, body: string): Promise<Attempted> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const target = await resolveTarget(url, this.options.allowHosts, this.resolve);
      const { statusCode, text } = await this.request(target.url, target.address, headers, body);
      return { statusCode, latencyMs: elapsed(), excerpt: text.slice(0, EXCERPT_CHARS), error: null };
    } catch (error) {
      const message = error instanceof DomainError ? error.message : `${(error as NodeJS.ErrnoException).code ?? 'error'}: ${(error as Error).message}`;
      return { statusCode: undefined, latencyMs: elapsed(), excerpt: null, error: message };
    }
  }

  private request(url: URL, address: string, headers: Record<string, string>, body: string): Promise<{ statusCode: number; text: string }> {
    const protocol = url.protocol as 'http:' | 'https:';
    const family = isIP(address);
    return new Promise((resolve, reject) => {
      const request = (protocol === 'https:' ? https : http).request(url, {
        method: 'POST',
        agent: this.agents[protocol],
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Rollcall-Webhooks/1' },
        // The checked address, whatever a second lookup would answer; TLS still checks the certificate against the host name.
        lookup: (_host, options, callback) => {
          if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
          else callback(null, address, family);
        },
      });
      const timer = setTimeout(() => request.destroy(new Error(`no complete response within ${this.timeoutMs} ms`)), this.timeoutMs);
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        const finish = () => {
          clearTimeout(timer);
          resolve({ statusCode: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        };
        response.on('data', (chunk: Buffer) => {
          const room = this.maxResponseBytes - bytes;
          chunks.push(chunk.subarray(0, Math.max(0, room)));
          bytes += chunk.length;
          // Enough: the rest is not read, and the connection goes with it.
          if (bytes >= this.maxResponseBytes) {
            response.destroy();
            finish();
          }
        });
        response.on('end', finish);
        response.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
      request.end(body);
    });
  }

  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}
