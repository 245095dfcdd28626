import type { OpenAPIHono } from "@hono/zod-openapi";
import { healthApp, type ReadinessCheck } from "@reimagine/core/service";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";

/** A well-formed id no request has: reading it proves the read model answers. */
const PROBE_ID = "00000000-0000-0000-0000-000000000000";

/** The default readiness checks: NATS (the event log), the blob store and Postgres (the read model). */
export function defaultReadinessChecks(deps: CommandApiDeps): Record<string, ReadinessCheck> {
  return {
    nats: async () => {
      await deps.store.headPosition();
    },
    blobs: () => deps.blobs.ping(),
    readModel: async () => {
      await deps.reader.get(PROBE_ID);
    },
  };
}

/** /healthz (the process answers) and /readyz (every dependency answers), as in every service. */
export function mountHealthRoutes(app: OpenAPIHono<AppEnv>, deps: CommandApiDeps): void {
  app.route("/", healthApp(deps.checks ?? defaultReadinessChecks(deps)));
}
