import { OpenAPIHono } from "@hono/zod-openapi";
import { mountAdminRoutes } from "../admin/mount-admin-routes";
import { errorToProblem } from "../http/error-to-problem";
import { ProblemError } from "../http/problem-error";
import { problemOf, problemResponse } from "../http/problem-response";
import { requestContext } from "../http/request-context";
import { mountDocsRoutes } from "../routes/docs-routes";
import { mountHealthRoutes } from "../routes/health-routes";
import { mountImageRoute } from "../routes/image-route";
import { mountStatusRoute } from "../routes/status-route";
import { mountSubmitRoute } from "../routes/submit-route";
import type { AppEnv } from "./app-env";
import type { CommandApiDeps } from "./command-api-deps";

/**
 * The command API as a Hono app: submit, status, image, docs, probes and, with ADMIN_TOKEN, the
 * admin API. Every error, from any route or middleware, leaves as application/problem+json through
 * the one mapping in onError.
 */
export function createCommandApi(deps: CommandApiDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    // A request that does not match a route's schema (today: a path id that is not a UUID).
    defaultHook: (result) => {
      if (!result.success) {
        const target = result.target === "param" ? "the request id must be a UUID" : "invalid request";
        throw new ProblemError(
          result.target === "param" ? "invalid-request-id" : "malformed-request",
          target,
        );
      }
    },
  });
  app.use(requestContext({ logger: deps.logger }));
  mountSubmitRoute(app, deps);
  mountImageRoute(app, deps);
  mountStatusRoute(app, deps);
  mountDocsRoutes(app, deps);
  mountHealthRoutes(app, deps);
  mountAdminRoutes(app, deps);
  app.notFound((c) => problemResponse(c, problemOf("not-found", `nothing at ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => {
    const { problem, headers, serverFault } = errorToProblem(err);
    const log = c.get("log") ?? deps.logger;
    if (serverFault) log.error({ err, status: problem.status }, "request failed");
    else log.debug({ err: { name: (err as Error).name, message: (err as Error).message } }, problem.title);
    return problemResponse(c, problem, headers);
  });
  return app;
}
