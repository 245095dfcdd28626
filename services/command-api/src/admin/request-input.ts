import * as z from "zod";
import { ProblemError } from "../http/problem-error";

/**
 * An admin call's optional JSON body, checked against `schema`: an empty body is `{}`; anything
 * that is not JSON, or not the shape `described`, is a 400 malformed-request.
 */
export function jsonBody<T>(text: string, schema: z.ZodType<T>, described: string): T {
  let json: unknown = {};
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProblemError("malformed-request", `the body must be JSON: ${described}`);
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ProblemError("malformed-request", `invalid body: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** The optional `?since=` of an admin route: an ISO 8601 date/time, else a 400 problem. */
export function sinceQuery(value: string | undefined): Date | undefined {
  if (value === undefined || value === "") return undefined;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) {
    throw new ProblemError("malformed-request", `since: "${value}" is not an ISO 8601 date/time`);
  }
  return new Date(parsed);
}
