import { createRequire } from 'node:module';

/**
 * A door dashboard as a browser or the staff's app runs one: a graphql-transport-ws connection
 * to an API process, its messages kept per subscription. For specs that watch subscriptions
 * across real processes.
 */

// `ws` comes with mercurius, without type declarations: the few members used here.
interface Socket {
  send(data: string): void;
  close(): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  once(event: 'open', listener: () => void): void;
  once(event: 'close', listener: (code: number, reason: Buffer) => void): void;
  once(event: 'error', listener: (error: Error) => void): void;
}
const { WebSocket } = createRequire(import.meta.url)('ws') as {
  WebSocket: new (url: string, protocol: string, options?: { headers?: Record<string, string> }) => Socket;
};

export interface Message {
  id?: string;
  type: string;
  payload?: { data?: Record<string, unknown>; errors?: unknown[] } | { message: string; extensions?: { code?: string } }[];
}

export interface Closed {
  code: number;
  reason: string;
  at: number;
}

/** One connection; `open` it with a token on the upgrade request (`header`) or in connection_init (`connectionParams`). */
export class Dashboard {
  private readonly received: Message[] = [];
  private readonly waiters = new Set<() => void>();
  private nextId = 0;
  /** How and when the server or the client closed the connection. */
  readonly closed: Promise<Closed>;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })));
    socket.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as Message);
      for (const waiter of [...this.waiters]) waiter();
    });
  }

  static async open(address: string, auth: { header?: string; connectionParams?: Record<string, unknown> } = {}): Promise<Dashboard> {
    const socket = new WebSocket(`${address.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', {
      headers: auth.header ? { authorization: auth.header } : {},
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const dashboard = new Dashboard(socket);
    socket.send(JSON.stringify({ type: 'connection_init', payload: auth.connectionParams ?? {} }));
    await dashboard.next((m) => m.type === 'connection_ack');
    return dashboard;
  }

  /** `query` is text, as clients send it, or anything else a client could put there instead. */
  subscribe(query: unknown, variables: Record<string, unknown>): string {
    const id = String(++this.nextId);
    this.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    return id;
  }

  /** The first message so far (or to come) that matches, each message given out once. */
  async next(matches: (message: Message) => boolean, timeoutMs = 15_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex(matches);
      if (index >= 0) return this.received.splice(index, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No such message within ${timeoutMs} ms; received ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  /** The data of the next `next` message of subscription `id` that satisfies `matches`. */
  async data(id: string, field: string, matches: (value: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
    const message = await this.next((m) => {
      if (m.id !== id || m.type !== 'next' || Array.isArray(m.payload)) return false;
      const value = m.payload?.data?.[field] as Record<string, unknown> | undefined;
      return value !== undefined && matches(value);
    });
    return (message.payload as { data: Record<string, Record<string, unknown>> }).data[field]!;
  }

  /** Everything received for subscription `id` and not yet taken. */
  pending(id: string): Message[] {
    return this.received.filter((m) => m.id === id);
  }

  /** How the server closed the connection, if it did within `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<Closed> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Still open after ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.closed, timeout]).finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.closed;
  }
}
