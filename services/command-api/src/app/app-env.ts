import type { HttpBindings } from "@hono/node-server";
import type { Logger } from "@reimagine/platform";
import type { RateLimitInfo } from "hono-rate-limiter";

/** The Hono environment of the command API: node's socket when served, typed context variables. */
export interface AppEnv {
  /** Absent under `app.request()` in tests, present when served by @hono/node-server. */
  Bindings: Partial<HttpBindings>;
  Variables: {
    /** The request's logger, with method and path bound. */
    log: Logger;
    /** Set by the rate limiter on the routes it guards. */
    rateLimit: RateLimitInfo;
  };
}
