import { z } from "@hono/zod-openapi";
import { Problem, RegisterResponse, RequestId, RequestStatusResponse } from "@reimagine/contracts";

// The contract's schemas, named for the document's components. Rebuilt from their shapes with the
// extended `z`: schemas made before @hono/zod-openapi loads lack `.openapi()`; the rules are the same.
export const ProblemSchema = z.object(Problem.shape).openapi("Problem", {
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

/** A problem response of the given statuses, for a route's `responses`. */
export function problemResponses<const S extends number>(described: Record<S, string>) {
  const entries = Object.entries(described).map(([status, description]) => [
    status,
    {
      description: description as string,
      content: { "application/problem+json": { schema: ProblemSchema } },
    },
  ]);
  return Object.fromEntries(entries) as Record<
    S,
    { description: string; content: { "application/problem+json": { schema: typeof ProblemSchema } } }
  >;
}
