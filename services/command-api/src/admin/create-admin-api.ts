import type { Config } from "@reimagine/platform";
import { Hono, type MiddlewareHandler } from "hono";
import { rateLimiter } from "hono-rate-limiter";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { answerProblems } from "../http/answer-problems";
import { clientAddress } from "../http/client-address";
import { ProblemError } from "../http/problem-error";
import { retryAfter } from "../http/problem-response";
import { secondsUntilReset } from "../http/rate-limit";
import { requestContext } from "../http/request-context";
import { adminAuth } from "./admin-auth";
import { mountBulkRetryRoute } from "./bulk-retry-route";
import { mountDeadLetterRoutes } from "./dead-letter-routes";
import { mountForgetRoutes } from "./forget-routes";
import { mountLogArchiveRoutes } from "./log-archive-routes";
import { mountProjectionRoutes } from "./projection-routes";
import { mountRequestAdminRoutes } from "./request-admin-routes";

/** Where the admin API lives (on its own listener, ADMIN_HOST:ADMIN_PORT). */
const ADMIN_BASE_PATH = "/admin/v1";

/** Wrong tokens one client may present per window before every attempt is refused until it ends. */
export const ADMIN_FAILURES_PER_WINDOW = 10;
const FAILURE_WINDOW_MS = 60_000;

/**
 * The operator operations of the CLI over HTTP under /admin/v1, behind a bearer token, as an app of
 * its own: it is served on ADMIN_PORT (loopback by default), never on the public listener. Null
 * without ADMIN_TOKEN (the admin API is off).
 */
export function createAdminApi(deps: CommandApiDeps): Hono<AppEnv> | null {
  const token = deps.config.ADMIN_TOKEN;
  if (!token) return null;
  const app = new Hono<AppEnv>();
  app.use(requestContext({ logger: deps.logger }));
  const admin = new Hono<AppEnv>();
  admin.use(throttleFailedAttempts(deps.config), adminAuth({ token }));
  mountRequestAdminRoutes(admin, deps);
  mountBulkRetryRoute(admin, deps);
  mountDeadLetterRoutes(admin, deps);
  mountForgetRoutes(admin, deps);
  mountLogArchiveRoutes(admin, deps);
  mountProjectionRoutes(admin, deps);
  app.route(ADMIN_BASE_PATH, admin);
  answerProblems(app, deps.logger);
  return app;
}

/**
 * Counts a client's failed attempts (401) in a fixed window; past ADMIN_FAILURES_PER_WINDOW every
 * request from it is refused with 429 and Retry-After until the window ends, right token or not, so
 * guessing the token costs a minute per handful of guesses.
 */
function throttleFailedAttempts(config: Config): MiddlewareHandler<AppEnv> {
  return rateLimiter<AppEnv>({
    windowMs: FAILURE_WINDOW_MS,
    limit: ADMIN_FAILURES_PER_WINDOW,
    standardHeaders: "draft-6",
    keyGenerator: (c) => clientAddress(c, config.TRUST_PROXY),
    skipSuccessfulRequests: true,
    requestWasSuccessful: (c) => c.res.status !== 401,
    handler: (c) => {
      const seconds = secondsUntilReset(c, FAILURE_WINDOW_MS);
      throw new ProblemError(
        "rate-limited",
        `too many failed admin attempts from this address; try again in ${seconds} s`,
        { headers: retryAfter(seconds) },
      );
    },
  });
}
