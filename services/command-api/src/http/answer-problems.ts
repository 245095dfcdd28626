import type { Logger } from "@reimagine/platform";
import type { Hono, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app/app-env";
import { errorToProblem } from "./error-to-problem";
import { ProblemError } from "./problem-error";
import { problemOf, problemResponse } from "./problem-response";

/**
 * Makes every error of `app`, from any route or middleware, and every unknown path leave as
 * application/problem+json through the one mapping (errorToProblem); server faults are logged.
 */
export function answerProblems(app: Hono<AppEnv>, logger: Logger): void {
  app.notFound((c) => problemResponse(c, problemOf("not-found", `nothing at ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => {
    const { problem, headers, serverFault } = errorToProblem(err);
    const log = c.get("log") ?? logger;
    if (serverFault) log.error({ err, status: problem.status }, "request failed");
    else log.debug({ err: { name: (err as Error).name, message: (err as Error).message } }, problem.title);
    return problemResponse(c, problem, headers);
  });
}

/** Answers a known path asked with the wrong method: 405 with the Allow header. */
export function methodNotAllowed(allowed: string[]): MiddlewareHandler {
  const allow = allowed.join(", ");
  return async function methodNotAllowed(c) {
    throw new ProblemError("method-not-allowed", `${c.req.method} is not allowed here; use ${allow}`, {
      headers: { allow },
    });
  };
}
