import type { Logger } from "@reimagine/platform";
import type { Hono } from "hono";
import type { AppEnv } from "../app/app-env";
import { errorToProblem } from "./error-to-problem";
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
