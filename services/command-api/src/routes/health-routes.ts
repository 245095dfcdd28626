import type { OpenAPIHono } from "@hono/zod-openapi";
import { type ReadinessCheck, runChecks } from "@reimagine/platform";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";

/** A well-formed id no request has: reading it proves the read model answers. */
const PROBE_ID = "00000000-0000-0000-0000-000000000000";

/** How long each check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 2000;

/**
 * The default readiness checks: a NATS server answers on the API's connection, and the blob store;
 * without either nothing works.
 */
function defaultReadinessChecks(deps: CommandApiDeps): Record<string, ReadinessCheck> {
  return {
    nats: () => deps.store.ping(),
    blobs: () => deps.blobs.ping(),
  };
}

/**
 * The default degraded-only checks. The read model (Postgres): submissions and status (from the log)
 * work without it. The event log's stream (its leader answers): while a NATS cluster elects a new
 * leader, submissions wait for it (up to 12 s) rather than fail, and if every API instance dropped out
 * of service at once for those seconds, clients would meet refused connections instead.
 */
function defaultDegradedChecks(deps: CommandApiDeps): Record<string, ReadinessCheck> {
  return {
    eventLog: async () => {
      await deps.store.headPosition();
    },
    readModel: async () => {
      await deps.reader.get(PROBE_ID);
    },
  };
}

/**
 * /healthz (the process answers) and /readyz: 503 when a required check fails; a failing
 * degraded-only check is reported as "degraded" and keeps the API ready. The public answer names the
 * dependency and nothing else ("down"): its reason may carry a connection string, a host or a
 * directory, so it goes to the log.
 */
export function mountHealthRoutes(app: OpenAPIHono<AppEnv>, deps: CommandApiDeps): void {
  const required = deps.checks ?? defaultReadinessChecks(deps);
  const degradable = deps.degradedChecks ?? defaultDegradedChecks(deps);
  app.get("/healthz", function healthz(c) {
    return c.json({ status: "ok" });
  });
  app.get("/readyz", async function readyz(c) {
    const [hard, soft] = await Promise.all([
      runChecks(required, CHECK_TIMEOUT_MS),
      runChecks(degradable, CHECK_TIMEOUT_MS),
    ]);
    const ready = Object.values(hard).every((r) => r === "ok");
    const degraded = Object.values(soft).some((r) => r !== "ok");
    const failing = Object.fromEntries(Object.entries({ ...hard, ...soft }).filter(([, r]) => r !== "ok"));
    if (Object.keys(failing).length > 0) c.var.log.warn({ checks: failing }, "readiness check failed");
    const checks: Record<string, "ok" | "down" | "degraded"> = {};
    for (const [name, result] of Object.entries(hard)) checks[name] = result === "ok" ? "ok" : "down";
    for (const [name, result] of Object.entries(soft)) checks[name] = result === "ok" ? "ok" : "degraded";
    const status = !ready ? "not ready" : degraded ? "degraded" : "ready";
    c.header("cache-control", "no-store");
    return c.json({ status, checks }, ready ? 200 : 503);
  });
}
