/**
 * A TCP server on the loopback interface that accepts every connection and never sends a byte: the
 * endpoint of issue 9 that holds an SDK call with no timeout forever. It records each connection and
 * whether the client closed it, so a test can tell a call that was cut from one that was abandoned.
 */
import { createServer, type Socket } from 'node:net';

export interface SilentServer {
  /** `http://127.0.0.1:<port>`, for an SDK client's `endpoint`. */
  endpoint: string;
  /** Connections accepted so far, and whether each has been closed (by the client). */
  readonly connections: { closed: boolean }[];
  /** Calls `listener` on each new connection. */
  onConnection(listener: () => void): void;
  stop(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const connections: { closed: boolean }[] = [];
  const listeners: (() => void)[] = [];
  const server = createServer((socket) => {
    const connection = { closed: false };
    connections.push(connection);
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => {
      connection.closed = true;
      sockets.delete(socket);
    });
    socket.resume();
    for (const listener of listeners) listener();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections,
    onConnection: (listener) => {
      listeners.push(listener);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
