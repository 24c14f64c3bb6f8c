import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver took, and whether its signature held under the secret trusted for its path. */
export interface Receipt {
  path: string;
  messageId: string;
  body: string;
  verified: boolean;
  /** Its `messageId`'s tries so far, this one included. */
  attempt: number;
  receivedAt: number;
}

/** How the receiver answers a request: a status after an optional pause, with headers. */
export type Answer = { status: number; delayMs?: number; headers?: Record<string, string> };

/**
 * A webhook receiver on 127.0.0.1 for specs and the benchmark: it checks every request's
 * signature with the standardwebhooks library, as a real receiver would, and answers as the
 * spec says for the path (fail, redirect, go away, take its time).
 */
export const startReceiver = async (answer: (receipt: Receipt) => Answer = () => ({ status: 204 })) => {
  const receipts: Receipt[] = [];
  const secrets = new Map<string, string>();
  const tries = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      const messageId = String(request.headers['webhook-id']);
      const secret = secrets.get(path);
      let verified = false;
      try {
        if (secret) verified = (new Webhook(secret).verify(body, request.headers as Record<string, string>), true);
      } catch {
        verified = false;
      }
      const attempt = (tries.get(`${path} ${messageId}`) ?? 0) + 1;
      tries.set(`${path} ${messageId}`, attempt);
      const receipt = { path, messageId, body, verified, attempt, receivedAt: Date.now() };
      receipts.push(receipt);
      const { status, delayMs, headers } = answer(receipt);
      const reply = () => {
        if (!response.destroyed) response.writeHead(status, headers).end('ok');
      };
      if (delayMs) setTimeout(reply, delayMs).unref();
      else reply();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    receipts,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    /** Signatures on `path` are checked against `secret`. */
    trust: (path: string, secret: string) => void secrets.set(path, secret),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
