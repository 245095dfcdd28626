import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { CommandApiDeps } from "./command-api-deps";
import { createCommandApi } from "./create-command-api";

export interface StartOptions {
  port: number;
  host?: string;
  /** How long in-flight requests may take to finish on stop() before their sockets are cut. */
  graceMs?: number;
}

export interface RunningCommandApi {
  name: string;
  /** Where it listens, e.g. http://127.0.0.1:3000 (the real port when 0 was asked for). */
  url: string;
  /** Stops accepting connections, lets in-flight requests finish (up to graceMs), then closes. */
  stop(): Promise<void>;
}

/**
 * Ensures the buckets exist, then serves the command API. Embeddable: the all-in-one process runs it
 * next to the other services; `src/main.ts` runs it alone.
 */
export async function startCommandApi(
  deps: CommandApiDeps,
  options: StartOptions,
): Promise<RunningCommandApi> {
  await deps.blobs.ensureBuckets([deps.config.S3_BUCKET_ORIGINALS, deps.config.S3_BUCKET_GENERATED]);
  const app = createCommandApi(deps);
  const { server, address } = await new Promise<{ server: Server; address: AddressInfo }>(
    (resolve, reject) => {
      // Plain HTTP/1.1 (no serverOptions), so the server is a node:http Server.
      const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) =>
        resolve({ server, address: info }),
      ) as Server;
      server.once("error", reject);
    },
  );
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`;
  deps.logger.info({ url, blobs: deps.blobs.describe() }, "command API listening");
  let stopping: Promise<void> | null = null;
  return {
    name: "command API",
    url,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), options.graceMs ?? 10_000);
        cut.unref();
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        // Keep-alive connections with no request in flight would hold close() open for nothing.
        server.closeIdleConnections();
      });
      return stopping;
    },
  };
}
