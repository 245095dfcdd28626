import { ProblemError } from "./problem-error";

const VISIBLE_ASCII = /^[\x21-\x7e]{1,200}$/;

/** The Idempotency-Key header if present: 1–200 visible ASCII characters, else a 400 problem. */
export function idempotencyKeyOf(headerValue: string | undefined): string | null {
  if (headerValue === undefined) return null;
  if (!VISIBLE_ASCII.test(headerValue)) {
    throw new ProblemError(
      "invalid-idempotency-key",
      "Idempotency-Key must be 1 to 200 visible ASCII characters (no spaces or control characters)",
    );
  }
  return headerValue;
}
