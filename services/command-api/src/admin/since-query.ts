import { ProblemError } from "../http/problem-error";

/** The optional `?since=` of an admin route: an ISO 8601 date/time, else a 400 problem. */
export function sinceQuery(value: string | undefined): Date | undefined {
  if (value === undefined || value === "") return undefined;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) {
    throw new ProblemError("malformed-request", `since: "${value}" is not an ISO 8601 date/time`);
  }
  return new Date(parsed);
}
