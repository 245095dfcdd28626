import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { openApiPath, ROUTES } from "@reimagine/contracts";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { methodNotAllowed } from "../http/answer-problems";
import { ProblemError } from "../http/problem-error";
import { publicBaseUrl } from "../http/public-base-url";
import { readRequestState } from "../status/read-request-state";
import { shownEmail } from "../status/shown-email";
import { toStatusResponse } from "../status/to-status-response";
import { headOf, PUBLIC, problemResponses, RequestIdParams, RequestStatusSchema } from "./openapi-schemas";

const route = createRoute({
  method: "get",
  path: openApiPath(ROUTES.request),
  operationId: "getRequestStatus",
  ...PUBLIC,
  summary: "Watch a request's progress",
  description:
    "Status, masked email, caption, link to the generated image, the last failure and the history of " +
    "events. Answers right after the 202 (read-your-write), from the event log if the read model lags. " +
    "Once the images expired (RETENTION_DAYS) `imageExpiredAt` says when; once the person's data is " +
    "erased the status is `erased` and so is the email.",
  request: { params: RequestIdParams },
  responses: {
    200: {
      description: "The request",
      content: { "application/json": { schema: RequestStatusSchema } },
    },
    ...problemResponses({
      400: "The id is not a UUID",
      404: "No request has this id",
      503: "Neither the read model nor the event log can be read",
    }),
  },
});

/** GET /api/v1/request/:id from the read model, or from the request's events when it lags. */
export function mountStatusRoute(app: OpenAPIHono<AppEnv>, deps: CommandApiDeps): void {
  const { config } = deps;
  app.openAPIRegistry.registerPath(headOf(route));
  app.openapi(route, async function requestStatus(c) {
    const { id } = c.req.valid("param");
    const found = await readRequestState({ ...deps, logger: c.var.log }, id);
    if (!found) throw new ProblemError("unknown-request", `there is no request ${id}`);
    const base = publicBaseUrl(c, config);
    c.header("cache-control", "no-store");
    c.header("x-reimagine-source", found.source);
    const email = await shownEmail(deps.vault, found.state, c.var.log);
    return c.json(toStatusResponse(found.state, base, email), 200);
  });
  app.all(ROUTES.request, methodNotAllowed(["GET", "HEAD"]));
}
