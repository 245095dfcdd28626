import { z } from "@hono/zod-openapi";
import { Problem, RegisterResponse, RequestId, RequestStatusResponse } from "@reimagine/contracts";

// The contract's schemas, named for the document's components. Rebuilt from their shapes with the
// extended `z`: schemas made before @hono/zod-openapi loads lack `.openapi()`; the rules are the same.
const ProblemSchema = z.object(Problem.shape).openapi("Problem", {
  description: "RFC 9457 problem details; `type` names the kind of problem, `detail` this occurrence.",
});
export const RegisterResponseSchema = z.object(RegisterResponse.shape).openapi("RegisterResponse");
export const RequestStatusSchema = z.object(RequestStatusResponse.shape).openapi("RequestStatus");

export const RequestIdParams = z.object({
  id: RequestId.meta({
    description: "The request id returned by POST /api/v1/register (a UUIDv7).",
    example: "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b",
  }),
});

/** The public routes need no credentials: declared explicitly on each operation. */
export const PUBLIC = { security: [] as Record<string, string[]>[] };

const seconds = { type: "integer" as const, minimum: 0 };

/** Response headers the document describes, by name. */
const HEADERS = {
  "Retry-After": { description: "Seconds to wait before trying again.", schema: { ...seconds, minimum: 1 } },
  Allow: {
    description: "The methods this path answers.",
    schema: { type: "string" as const, example: "POST" },
  },
  "RateLimit-Policy": {
    description: "The submission limit as `<limit>;w=<window seconds>` (IETF RateLimit headers, draft 6).",
    schema: { type: "string" as const, example: "30;w=60" },
  },
  "RateLimit-Limit": { description: "Submissions allowed per window from this address.", schema: seconds },
  "RateLimit-Remaining": { description: "Submissions left in the current window.", schema: seconds },
  "RateLimit-Reset": { description: "Seconds until the window resets.", schema: seconds },
} as const;
type HeaderName = keyof typeof HEADERS;

/** The RateLimit-* headers the submission route sends on every answer (when the limit is on). */
export const RATE_LIMIT_HEADERS: HeaderName[] = [
  "RateLimit-Policy",
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
];

/** The named headers, for a response's `headers`. */
export function headers(...names: HeaderName[]) {
  return Object.fromEntries(names.map((n) => [n, HEADERS[n]]));
}

/** What every route may answer besides its own: a wrong method (405) and an unexpected fault (500). */
const COMMON: Record<number, { description: string; headers?: HeaderName[] }> = {
  405: {
    description: "The method is not allowed on this path; `Allow` lists those that are",
    headers: ["Allow"],
  },
  500: { description: "An unexpected error; the detail is generic and the error is logged" },
};

/** Headers each problem status carries on every route. */
const STATUS_HEADERS: Record<number, HeaderName[]> = { 429: ["Retry-After"], 503: ["Retry-After"] };

/** Problem responses of the given statuses (plus 405 and 500), for a route's `responses`. */
export function problemResponses(
  described: Record<number, string>,
  extraHeaders: Partial<Record<number, HeaderName[]>> = {},
) {
  const all: Record<number, { description: string; headers?: HeaderName[] }> = { ...COMMON };
  for (const [status, description] of Object.entries(described)) all[Number(status)] = { description };
  return Object.fromEntries(
    Object.entries(all).map(([status, { description, headers: own = [] }]) => {
      const names = [
        ...own,
        ...(STATUS_HEADERS[Number(status)] ?? []),
        ...(extraHeaders[Number(status)] ?? []),
      ];
      return [
        status,
        {
          description,
          ...(names.length > 0 ? { headers: headers(...names) } : {}),
          content: { "application/problem+json": { schema: ProblemSchema } },
        },
      ];
    }),
  );
}

/**
 * The HEAD twin of a GET route (Hono answers HEAD from the GET handler): the same responses and
 * headers, without bodies.
 */
export function headOf<
  R extends { method: string; operationId?: string; responses: Record<string, unknown> },
>(route: R) {
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => {
      const { content: _, ...rest } = response as { content?: unknown };
      return [status, rest];
    }),
  );
  return {
    ...route,
    method: "head" as const,
    operationId: `${route.operationId}Head`,
    summary: `Headers only: ${(route as { summary?: string }).summary ?? route.operationId}`,
    responses,
  };
}
