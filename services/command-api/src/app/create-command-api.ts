import { OpenAPIHono } from "@hono/zod-openapi";
import { answerProblems } from "../http/answer-problems";
import { ProblemError } from "../http/problem-error";
import { requestContext } from "../http/request-context";
import { mountCancelRoute } from "../routes/cancel-route";
import { mountDocsRoutes } from "../routes/docs-routes";
import { mountHealthRoutes } from "../routes/health-routes";
import { mountImageRoute } from "../routes/image-route";
import { mountRequestEventsRoute } from "../routes/request-events-route";
import { mountStatusRoute } from "../routes/status-route";
import { mountSubmitRoute } from "../routes/submit-route";
import { contentSecurityPolicy } from "../web/content-security-policy";
import { mountWebRoutes } from "../web/web-routes";
import type { AppEnv } from "./app-env";
import type { CommandApiDeps } from "./command-api-deps";

/**
 * The public command API as a Hono app: submit, status, image, docs and probes. The admin API is a
 * separate app on its own listener (createAdminApi), never this one. Every error, from any route or
 * middleware, leaves as application/problem+json through the one mapping.
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
  app.use(contentSecurityPolicy({ imageOrigins: objectStoreOrigin(deps) }));
  mountSubmitRoute(app, deps);
  mountImageRoute(app, deps);
  mountStatusRoute(app, deps);
  mountCancelRoute(app, deps);
  mountRequestEventsRoute(app, deps);
  mountDocsRoutes(app, deps);
  mountHealthRoutes(app, deps);
  mountWebRoutes(app, deps);
  answerProblems(app, deps.logger);
  return app;
}

/** The object store's origin, where image links redirect to; none for local-disk blobs. */
function objectStoreOrigin(deps: CommandApiDeps): string[] {
  return deps.config.S3_ENDPOINT ? [new URL(deps.config.S3_ENDPOINT).origin] : [];
}
