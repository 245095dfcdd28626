import { assertRequestId } from "@reimagine/eventstore";
import { redactHistory, requestRetry, requestTimeline, UnknownRequestError } from "@reimagine/operations";
import { ERASED, personalDataOf } from "@reimagine/vault";
import type { Hono } from "hono";
import * as z from "zod";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { publicBaseUrl } from "../http/public-base-url";
import { readRequestState } from "../status/read-request-state";
import { toStatusResponse } from "../status/to-status-response";
import { jsonBody } from "./request-input";

const RetryBody = z.strictObject({
  reason: z.string().trim().min(1).max(500).optional(),
  requestedBy: z.string().trim().min(1).max(200).optional(),
});

/** Who a retry or an erasure is attributed to when the operator does not say. */
export const DEFAULT_REQUESTED_BY = "operator (admin api)";

/** One request's history, unmasked status and retry: what an operator looks at first. */
export function mountRequestAdminRoutes(admin: Hono<AppEnv>, deps: CommandApiDeps): void {
  const { store, config, vault } = deps;

  admin.get("/requests/:id/events", async function adminRequestEvents(c) {
    const requestId = c.req.param("id");
    assertRequestId(requestId);
    if (c.req.query("format") === "raw") {
      const history = await store.readRequest(requestId);
      if (history.events.length === 0) throw new UnknownRequestError(requestId);
      const events = redactHistory(history.events).map((s) => ({ position: s.position, ...s.event }));
      return c.json({ requestId, events });
    }
    return c.json({ requestId, events: await requestTimeline(store, vault, requestId) });
  });

  admin.get("/requests/:id/status", async function adminRequestStatus(c) {
    const requestId = c.req.param("id");
    assertRequestId(requestId);
    const found = await readRequestState({ ...deps, logger: c.var.log }, requestId);
    if (!found) throw new UnknownRequestError(requestId);
    const base = publicBaseUrl(c, config);
    c.header("cache-control", "no-store");
    c.header("x-reimagine-source", found.source);
    // Operators see the address itself (opened from the request's own events), not the public
    // mask, and the failure's full reason.
    const history = await store.readRequest(requestId);
    const personal = await personalDataOf(
      vault,
      history.events.map((s) => s.event),
    );
    return c.json({
      ...toStatusResponse(found.state, base, personal?.email ?? ERASED),
      error: found.state.error,
    });
  });

  admin.post("/requests/:id/retry", async function adminRetry(c) {
    const requestId = c.req.param("id");
    assertRequestId(requestId);
    const options = jsonBody(await c.req.text(), RetryBody, "{ reason?, requestedBy? }");
    const event = await requestRetry(store, requestId, {
      requestedBy: options.requestedBy ?? DEFAULT_REQUESTED_BY,
      reason: options.reason,
    });
    return c.json({ requestId, stage: event.data.stage, eventId: event.id }, 202);
  });
}
