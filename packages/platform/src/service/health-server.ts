import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { Logger } from "../logging/logger";

/** A readiness check: resolves when the dependency is usable, throws (with a reason) when not. */
export type ReadinessCheck = () => Promise<void>;

/** Extra fields for the /readyz body (e.g. a projector's lag); a failure leaves them out. */
export type ReadinessDetails = () => Promise<Record<string, unknown>>;

/**
 * The probe endpoints of a worker service: `/healthz` (the process is alive) and `/readyz`
 * (every check passes within `timeoutMs`), as JSON `{ status, checks: { name: "ok" | reason } }`.
 */
export function healthApp(
  checks: Record<string, ReadinessCheck>,
  timeoutMs = 2000,
  details?: ReadinessDetails,
): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const [results, extra] = await Promise.all([
      runChecks(checks, timeoutMs),
      details ? details().catch(() => ({})) : {},
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

/** Serves the probe endpoints on `port`; stop() closes the server. */
export function startHealthServer(options: {
  port: number;
  host?: string;
  checks: Record<string, ReadinessCheck>;
  /** Extra /readyz body fields. */
  details?: ReadinessDetails;
  logger: Logger;
}): { name: string; stop(): Promise<void> } {
  const server = serve({
    fetch: healthApp(options.checks, undefined, options.details).fetch,
    port: options.port,
    hostname: options.host,
  });
  options.logger.info({ port: options.port }, "health endpoints on /healthz and /readyz");
  return {
    name: "health server",
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
