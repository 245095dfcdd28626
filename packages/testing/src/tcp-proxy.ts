import { createConnection, createServer, type Server, type Socket } from "node:net";
import { freePort } from "./service-process";

/** A TCP forwarder a test can take down and bring back on the same port: a dependency's outage. */
export interface TcpProxy {
  readonly port: number;
  /** Accepts and forwards connections (again). */
  open(): Promise<void>;
  /** Refuses new connections and cuts every open one, as a server that went away. */
  close(): Promise<void>;
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
    async close() {
      const closing = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
  if (options.open !== false) await proxy.open();
  return proxy;
}
