import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app/app-env";
import { ProblemError } from "../http/problem-error";

const CHALLENGE = { "www-authenticate": 'Bearer realm="reimagine-admin"' };

/** Hashing first makes the comparison constant-time whatever the length of the presented token. */
const digest = (value: string) => createHash("sha256").update(value).digest();

/** Lets a request through only with `Authorization: Bearer <token>`; else a 401 problem with a challenge. */
export function adminAuth(options: { token: string }): MiddlewareHandler<AppEnv> {
  const expected = digest(options.token);
  return async function adminBearerAuth(c, next) {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) {
      throw new ProblemError("unauthorized", "the admin API needs an Authorization: Bearer token", {
        headers: CHALLENGE,
      });
    }
    if (!timingSafeEqual(digest(match[1]!), expected)) {
      throw new ProblemError("unauthorized", "the bearer token is not valid for the admin API", {
        headers: { "www-authenticate": 'Bearer realm="reimagine-admin", error="invalid_token"' },
      });
    }
    await next();
  };
}
