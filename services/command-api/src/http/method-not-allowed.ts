import type { MiddlewareHandler } from "hono";
import { ProblemError } from "./problem-error";

/** Answers a known path asked with the wrong method: 405 with the Allow header. */
export function methodNotAllowed(allowed: string[]): MiddlewareHandler {
  const allow = allowed.join(", ");
  return async function methodNotAllowed(c) {
    throw new ProblemError("method-not-allowed", `${c.req.method} is not allowed here; use ${allow}`, {
      headers: { allow },
    });
  };
}
