import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Config } from "@reimagine/platform";
import { createAdminApi } from "../admin/create-admin-api";
import { type LingerBounds, lingerAfterEarlyAnswers } from "../http/lingering-close";
import { uploadLimitsFor } from "../upload/parse-upload";
import type { CommandApiDeps } from "./command-api-deps";
import { createCommandApi } from "./create-command-api";

export interface StartOptions {
  port: number;
  host?: string;
  /** How long in-flight requests may take to finish on stop() before their sockets are cut. */
  graceMs?: number;
  /** The admin API's port (default ADMIN_PORT; 0 picks a free one). */
  adminPort?: number;
}

export interface RunningCommandApi {
  name: string;
  /** Where it listens, e.g. http://127.0.0.1:3000 (the real port when 0 was asked for). */
  url: string;
  /** Where the admin API listens (ADMIN_HOST:ADMIN_PORT), or null when ADMIN_TOKEN is unset. */
  adminUrl: string | null;
  /** Stops accepting connections, lets in-flight requests finish (up to graceMs), then closes. */
  stop(): Promise<void>;
}

/** How long Node looks for connections past their headers or request timeout. */
const TIMEOUT_CHECK_MS = 1000;

/** After an early answer: discard up to this many times the upload limit, for at most 10 s. */
function lingerBounds(config: Config): LingerBounds {
  return {
    maxBytes: 2 * uploadLimitsFor(config.MAX_UPLOAD_BYTES).maxBodyBytes,
    maxMs: 10_000,
    idleMs: 2_000,
  };
}

/**
 * Ensures the buckets exist, then serves the command API. Embeddable: the all-in-one process runs it
 * next to the other services; `src/main.ts` runs it alone.
 */
export async function startCommandApi(
  deps: CommandApiDeps,
  options: StartOptions,
): Promise<RunningCommandApi> {
  const { config } = deps;
  await deps.blobs.ensureBuckets([config.S3_BUCKET_ORIGINALS, config.S3_BUCKET_GENERATED]);
  const shutdown = new AbortController();
  const app = createCommandApi({ ...deps, shutdown: shutdown.signal });
  const linger = lingerBounds(config);
  const { server, address } = await new Promise<{ server: Server; address: AddressInfo }>(
    (resolve, reject) => {
      const server = serve(
        {
          fetch: app.fetch,
          port: options.port,
          hostname: options.host,
          // The upload route reads the socket itself and the server lingers after early answers;
          // the adapter's own drain (500 ms, then close) would cut clients that are still sending.
          autoCleanupIncoming: false,
          serverOptions: {
            // Deliberate, not Node's defaults (60 s for headers, 300 s per request, checked every 30 s):
            // a client trickling its headers or body holds a connection for seconds, not minutes.
            headersTimeout: config.HEADERS_TIMEOUT_MS,
            requestTimeout: config.HEADERS_TIMEOUT_MS + config.UPLOAD_TIMEOUT_MS + linger.maxMs,
            keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
            connectionsCheckingInterval: TIMEOUT_CHECK_MS,
          },
        },
        (info) => resolve({ server, address: info }),
      ) as Server;
      server.once("error", reject);
    },
  );
  lingerAfterEarlyAnswers(server, linger);
  answer100ContinueWithinLimit(server, uploadLimitsFor(config.MAX_UPLOAD_BYTES).maxBodyBytes);
  const url = urlOf(address);
  const stopPublic = stopper(server, options.graceMs ?? 10_000);
  let admin: { url: string; stop: () => Promise<void> } | null = null;
  try {
    admin = await startAdminListener(deps, options.adminPort ?? config.ADMIN_PORT, options.graceMs ?? 10_000);
  } catch (err) {
    await stopPublic();
    throw err;
  }
  deps.logger.info(
    { url, adminUrl: admin?.url ?? null, blobs: deps.blobs.describe() },
    "command API listening",
  );
  return {
    name: "command API",
    url,
    adminUrl: admin?.url ?? null,
    stop: async () => {
      // live event streams end now rather than hold the shutdown for the whole grace period
      shutdown.abort();
      await Promise.all([stopPublic(), admin?.stop()]);
    },
  };
}

/** The admin API on its own listener (ADMIN_HOST, loopback by default), when ADMIN_TOKEN is set. */
async function startAdminListener(
  deps: CommandApiDeps,
  port: number,
  graceMs: number,
): Promise<{ url: string; stop: () => Promise<void> } | null> {
  const app = createAdminApi(deps);
  if (!app) return null;
  const { server, address } = await new Promise<{ server: Server; address: AddressInfo }>(
    (resolve, reject) => {
      const server = serve({ fetch: app.fetch, port, hostname: deps.config.ADMIN_HOST }, (info) =>
        resolve({ server, address: info }),
      ) as Server;
      server.once("error", reject);
    },
  );
  return { url: urlOf(address), stop: stopper(server, graceMs) };
}

function urlOf(address: AddressInfo): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`;
}

/**
 * `Expect: 100-continue`: the client waits for a go-ahead before sending its body. A body declared
 * over the limit gets none: the request goes to the app, which answers 413 from the declared length,
 * so the client never sends the bytes at all.
 */
function answer100ContinueWithinLimit(server: Server, maxBodyBytes: number): void {
  server.on("checkContinue", function checkContinue(req: IncomingMessage, res: ServerResponse) {
    const declared = Number(req.headers["content-length"]);
    if (!(declared > maxBodyBytes)) res.writeContinue();
    server.emit("request", req, res);
  });
}

/** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what is left. */
function stopper(server: Server, graceMs: number): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  return () => {
    stopping ??= new Promise<void>((resolve) => {
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      cut.unref();
      server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      // Keep-alive connections with no request in flight would hold close() open for nothing.
      server.closeIdleConnections();
    });
    return stopping;
  };
}
