import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { adminAuth } from "./admin-auth";
import { mountBulkRetryRoute } from "./bulk-retry-route";
import { mountDeadLetterRoutes } from "./dead-letter-routes";
import { mountLogArchiveRoutes } from "./log-archive-routes";
import { mountProjectionRoutes } from "./projection-routes";
import { mountRequestAdminRoutes } from "./request-admin-routes";

/** Where the admin API lives. */
export const ADMIN_BASE_PATH = "/admin/v1";

/**
 * The operator operations of the CLI over HTTP under /admin/v1, behind a bearer token. Without
 * ADMIN_TOKEN nothing is mounted, so every /admin path is the ordinary 404.
 */
export function mountAdminRoutes(app: OpenAPIHono<AppEnv>, deps: CommandApiDeps): void {
  const token = deps.config.ADMIN_TOKEN;
  if (!token) return;
  const admin = new Hono<AppEnv>();
  admin.use(adminAuth({ token }));
  mountRequestAdminRoutes(admin, deps);
  mountBulkRetryRoute(admin, deps);
  mountDeadLetterRoutes(admin, deps);
  mountLogArchiveRoutes(admin, deps);
  mountProjectionRoutes(admin, deps);
  app.route(ADMIN_BASE_PATH, admin);
}
