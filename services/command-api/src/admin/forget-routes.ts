import { assertRequestId } from "@reimagine/eventstore";
import { forgetEmail, forgetRequest } from "@reimagine/operations";
import type { Hono } from "hono";
import * as z from "zod";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { DEFAULT_REQUESTED_BY } from "./request-admin-routes";
import { jsonBody } from "./request-input";

const RequestedBy = z.string().trim().min(1).max(200).optional();
const ForgetRequestBody = z.strictObject({ requestedBy: RequestedBy });
// The address goes in the body, never in the URL: URLs end up in access logs.
const ForgetEmailBody = z.strictObject({
  email: z.string().trim().min(3).max(254),
  requestedBy: RequestedBy,
});

/**
 * POST /requests/:id/forget and POST /forget {email}: erase a person's data (the data key, the
 * images, the read model through ErasureCompleted). The same operation as `reimagine forget`.
 */
export function mountForgetRoutes(admin: Hono<AppEnv>, deps: CommandApiDeps): void {
  const { config } = deps;
  const forgetDeps = {
    store: deps.store,
    vault: deps.vault,
    blobs: deps.blobs,
    buckets: { originals: config.S3_BUCKET_ORIGINALS, generated: config.S3_BUCKET_GENERATED },
  };

  admin.post("/requests/:id/forget", async function adminForgetRequest(c) {
    const requestId = c.req.param("id");
    assertRequestId(requestId);
    const body = jsonBody(await c.req.text(), ForgetRequestBody, "{ requestedBy? }");
    const report = await forgetRequest(forgetDeps, requestId, {
      requestedBy: body.requestedBy ?? DEFAULT_REQUESTED_BY,
    });
    c.var.log.info(
      { requestId, alreadyErased: report.alreadyErased, removed: report.removed.length },
      "request forgotten",
    );
    return c.json(report);
  });

  admin.post("/forget", async function adminForgetEmail(c) {
    const body = jsonBody(await c.req.text(), ForgetEmailBody, "{ email, requestedBy? }");
    const report = await forgetEmail(forgetDeps, body.email, {
      requestedBy: body.requestedBy ?? DEFAULT_REQUESTED_BY,
      signal: c.req.raw.signal,
    });
    // the address itself stays out of the log
    c.var.log.info(
      { requests: report.requests.length, scannedEvents: report.scannedEvents },
      "address forgotten",
    );
    return c.json(report);
  });
}
