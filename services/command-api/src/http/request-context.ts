import { context, SpanStatusCode } from "@opentelemetry/api";
import type { Logger } from "@reimagine/platform";
import { contextFromTraceparent, tracer } from "@reimagine/platform";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "../app/app-env";

/**
 * Runs each request inside a span (continuing the caller's W3C traceparent, so the events it
 * appends carry it) with a child logger on `c.var.log`, and logs one line per request.
 */
export function requestContext(options: { logger: Logger }): MiddlewareHandler<AppEnv> {
  return async function requestContext(c, next) {
    const started = performance.now();
    const parent = contextFromTraceparent(c.req.header("traceparent"));
    const log = options.logger.child({ method: c.req.method, path: c.req.path });
    c.set("log", log);
    await context.with(parent, () =>
      tracer.startActiveSpan(`${c.req.method} ${c.req.path}`, async (span) => {
        try {
          await next();
          span.updateName(`${c.req.method} ${routePath(c)}`);
          span.setAttribute("http.response.status_code", c.res.status);
          if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        } finally {
          span.end();
        }
      }),
    );
    const ms = Math.round(performance.now() - started);
    const level = c.res.status >= 500 ? "warn" : "info";
    log[level]({ status: c.res.status, ms }, "request");
  };
}
