import { NotFailedError, requestRetry, UnknownRequestError } from "@reimagine/operations";
import { listFailedRequests } from "@reimagine/readmodel";
import type { Hono } from "hono";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { openReadModel } from "./open-read-model";
import { DEFAULT_REQUESTED_BY } from "./request-admin-routes";
import { sinceQuery } from "./request-input";

/**
 * POST /retries?since=: a retry for every request the read model lists as failed. A request the
 * log shows is no longer failed (the read model lags, or someone retried first) is refused, not
 * an error; an outage of the log stops the run with a 503.
 */
export function mountBulkRetryRoute(admin: Hono<AppEnv>, deps: CommandApiDeps): void {
  admin.post("/retries", async function adminRetryFailed(c) {
    const since = sinceQuery(c.req.query("since"));
    const failed = await listFailedRequests(await openReadModel(deps), { since });
    const retried: { requestId: string; stage: string; eventId: string }[] = [];
    const refused: { requestId: string; reason: string }[] = [];
    for (const { requestId } of failed) {
      try {
        const event = await requestRetry(deps.store, requestId, { requestedBy: DEFAULT_REQUESTED_BY });
        retried.push({ requestId, stage: event.data.stage, eventId: event.id });
      } catch (err) {
        if (!(err instanceof NotFailedError || err instanceof UnknownRequestError)) throw err;
        refused.push({ requestId, reason: err.message });
      }
    }
    return c.json({ retried, refused });
  });
}
