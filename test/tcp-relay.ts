import { type Socket, connect, createServer } from 'node:net';

export interface TcpRelay {
  /** The relay's port on 127.0.0.1. */
  port: number;
  /** Destroys every connection through it, as a server restart or a network fault does; new ones are relayed again. */
  cut(): void;
  close(): Promise<void>;
}

/** A TCP relay on 127.0.0.1 to `host:port`, whose connections a spec can cut. */
export const relayTo = async (host: string, port: number): Promise<TcpRelay> => {
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: (relay.address() as { port: number }).port,
    cut,
    close: async () => {
      cut();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
};
