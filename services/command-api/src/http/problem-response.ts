import { IncomingMessage } from "node:http";
import type { Problem } from "@reimagine/contracts";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type ProblemType, problemTypes, problemTypeUri } from "./problem-types";

/** The `Retry-After` header: whole seconds, at least 1. */
export function retryAfter(seconds: number): Record<string, string> {
  return { "retry-after": String(Math.max(1, Math.ceil(seconds))) };
}

/** The RFC 9457 body of a problem of this type. */
export function problemOf(type: ProblemType, detail: string): Problem {
  const { status, title } = problemTypes[type];
  return { type: problemTypeUri(type), title, status, detail };
}

/**
 * An `application/problem+json` response, never cached since it describes one attempt. Built on the
 * context so headers set earlier in the request (RateLimit-*) are kept. An answer given before the
 * request's body was read closes the connection (after a lingering read, see lingering-close.ts), so
 * the unread rest is never taken for the next request and never read without bound.
 */
export function problemResponse(
  c: Context,
  problem: Problem,
  headers: Record<string, string> = {},
): Response {
  const incoming: unknown = c.env?.incoming;
  const bodyUnread = incoming instanceof IncomingMessage && !incoming.complete;
  return c.newResponse(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    ...headers,
    ...(bodyUnread ? { connection: "close" } : {}),
    "content-type": "application/problem+json",
    "cache-control": "no-store",
  });
}
