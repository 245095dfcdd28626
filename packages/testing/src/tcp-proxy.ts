import { createConnection, createServer, type Server, type Socket } from "node:net";
import { freePort } from "./service-process";

/** A TCP forwarder a test can take down and bring back on the same port: a dependency's outage. */
export interface TcpProxy {
  readonly port: number;
  /** Accepts and forwards connections (again). */
  open(): Promise<void>;
  /**
   * Refuses new connections and, unless `cutOpen: false`, cuts every open one too: a server that
   * went away, or (with `cutOpen: false`) one that refuses new work but finishes what it has.
   */
  close(options?: { cutOpen?: boolean }): Promise<void>;
}

/** Forwards 127.0.0.1:<free port> to `target`; starts closed when `open: false`. */
export async function startTcpProxy(
  target: { host?: string; port: number },
  options: { open?: boolean } = {},
): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("error", () => socket.destroy());
    socket.once("close", () => sockets.delete(socket));
  };
  const proxy: TcpProxy = {
    port,
    async open() {
      if (server) return;
      const listening = createServer((client) => {
        const upstream = createConnection({ host: target.host ?? "127.0.0.1", port: target.port });
        track(client);
        track(upstream);
        client.pipe(upstream).pipe(client);
        client.once("close", () => upstream.destroy());
        upstream.once("close", () => client.destroy());
      });
      await new Promise<void>((resolve, reject) => {
        listening.once("error", reject);
        listening.listen(port, "127.0.0.1", () => resolve());
      });
      server = listening;
    },
    async close({ cutOpen = true } = {}) {
      const closing = server;
      server = null;
      if (cutOpen) for (const socket of sockets) socket.destroy();
      // close() waits for open connections to end: not for those left to finish on their own
      if (closing) {
        const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
        if (cutOpen) await closed;
      }
    },
  };
  if (options.open !== false) await proxy.open();
  return proxy;
}

/** A local port nothing listens on: bound once by us, then released (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
