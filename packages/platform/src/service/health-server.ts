import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { Logger } from "../logging/logger";

/** A readiness check: resolves when the dependency is usable, throws (with a reason) when not. */
export type ReadinessCheck = () => Promise<void>;

/** Extra fields for the /readyz body (e.g. a projector's lag); a failure leaves them out. */
export type ReadinessDetails = () => Promise<Record<string, unknown>>;

/** What /readyz checks, and the extra fields of its body. */
export interface Readiness {
  checks: Record<string, ReadinessCheck>;
  details?: ReadinessDetails;
}

/**
 * The probe endpoints of a worker service: `/healthz` (the process is alive) and `/readyz`
 * (every check passes within `timeoutMs`), as JSON `{ status, checks: { name: "ok" | reason } }`.
 * `readiness` is asked on every probe, so what is checked can change (start-up, then running).
 */
export function healthApp(readiness: () => Readiness, timeoutMs = 2000): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const now = readiness();
    const [results, extra] = await Promise.all([
      runChecks(now.checks, timeoutMs),
      now.details ? now.details().catch(() => ({})) : {},
    ]);
    const ready = Object.values(results).every((r) => r === "ok");
    return c.json({ status: ready ? "ready" : "not ready", checks: results, ...extra }, ready ? 200 : 503);
  });
  return app;
}

/** Runs every check in parallel; each yields "ok" or its failure reason. */
export async function runChecks(
  checks: Record<string, ReadinessCheck>,
  timeoutMs: number,
): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs).unref(),
          ),
        ]);
        return [name, "ok"] as const;
      } catch (err) {
        return [name, err instanceof Error ? err.message : String(err)] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/** A running probe server; `serve` changes what /readyz checks. */
export interface HealthServer {
  name: string;
  serve(readiness: Readiness): void;
  stop(): Promise<void>;
}

/**
 * Serves the probe endpoints on `port`. A port that cannot be bound is logged, not fatal: the
 * probes are an aid to the orchestrator, and the service itself works without them.
 */
export function startHealthServer(options: {
  port: number;
  host?: string;
  logger: Logger;
  /** What /readyz checks until `serve` says otherwise. */
  readiness: Readiness;
}): HealthServer {
  let readiness = options.readiness;
  const server = serve({
    fetch: healthApp(() => readiness).fetch,
    port: options.port,
    hostname: options.host,
  }) as Server;
  server.on("error", (err) =>
    options.logger.warn({ err, port: options.port }, "cannot serve /healthz and /readyz (HEALTH_PORT)"),
  );
  server.once("listening", () =>
    options.logger.debug({ port: options.port }, "health endpoints on /healthz and /readyz"),
  );
  return {
    name: "health server",
    serve(next) {
      readiness = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}
