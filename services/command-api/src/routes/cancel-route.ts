import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { CancelRequestBody, openApiPath, ROUTES } from "@reimagine/contracts";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { cancelRequest } from "../cancel/cancel-request";
import { methodNotAllowed } from "../http/answer-problems";
import { ProblemError } from "../http/problem-error";
import { publicBaseUrl } from "../http/public-base-url";
import { shownEmail } from "../status/shown-email";
import { toStatusResponse } from "../status/to-status-response";
import { PUBLIC, problemResponses, RequestIdParams, RequestStatusSchema } from "./openapi-schemas";

const PATH = ROUTES.requestCancel;

const route = createRoute({
  method: "post",
  path: openApiPath(PATH),
  operationId: "cancelRequest",
  ...PUBLIC,
  summary: "Cancel a request",
  description:
    "Stops a request that is still in progress: the stages not done yet are skipped and no email is sent. " +
    "Needs the cancel token from the 202 of POST /api/v1/register (knowing the id is not enough). " +
    "A stage already running finishes its work but records nothing.",
  request: {
    params: RequestIdParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object(CancelRequestBody.shape).openapi("CancelRequest", {
            example: { cancelToken: "q3Vd0m8oX1x4Q9fZ2aJm6cN7uTbPyL5eKsWgR0hIvA" },
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: "Cancelled: the request as it is now (status `cancelled`)",
      content: { "application/json": { schema: RequestStatusSchema } },
    },
    ...problemResponses({
      400: "The id is not a UUID, or the body is not JSON",
      403: "The cancel token is missing or does not match (also for requests that have none)",
      404: "No request has this id",
      409: "The request is already notified, failed or cancelled",
      503: "The event log is unavailable",
    }),
  },
});

/**
 * POST /api/v1/request/:id/cancel. A wrong or missing token is a 403 rather than a 404: the id
 * alone already lets anyone read the request's status, so the 403 reveals nothing more, and it
 * tells an honest client with a stale token what is wrong.
 */
export function mountCancelRoute(app: OpenAPIHono<AppEnv>, deps: CommandApiDeps): void {
  const { config } = deps;
  app.openAPIRegistry.registerPath(route);
  app.post(PATH, async function cancel(c) {
    const id = RequestIdParams.shape.id.safeParse(c.req.param("id"));
    if (!id.success) throw new ProblemError("invalid-request-id", "the request id must be a UUID");
    let body: unknown;
    try {
      body = await c.req.json();
    } catch (cause) {
      throw new ProblemError("malformed-request", 'the body must be JSON: {"cancelToken": "…"}', { cause });
    }
    const parsed = CancelRequestBody.safeParse(body);
    if (!parsed.success) {
      throw new ProblemError("invalid-cancel-token", 'a cancel token is required: {"cancelToken": "…"}');
    }
    const state = await cancelRequest(deps.store, id.data, parsed.data.cancelToken);
    c.var.log.info({ requestId: id.data }, "request cancelled");
    const base = publicBaseUrl(c, config);
    c.header("cache-control", "no-store");
    return c.json(toStatusResponse(state, base, await shownEmail(deps.vault, state, c.var.log)), 200);
  });
  app.all(PATH, methodNotAllowed(["POST"]));
}
