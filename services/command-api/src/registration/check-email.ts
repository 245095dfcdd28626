import { z } from "zod";
import { InvalidEmailError } from "./invalid-email-error";

/** RFC 5321's limit on a forward path; longer addresses cannot be delivered anyway. */
export const MAX_EMAIL_LENGTH = 254;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting these characters is the point
const HEADER_BREAKING = /[\r\n\u0000]/;
const Email = z.email();

/**
 * Throws InvalidEmailError unless the address is syntactically valid, at most 254 characters and
 * free of CR, LF and NUL (which would let it inject headers into the email we send).
 */
export function checkEmail(email: string): string {
  if (email.length === 0) throw new InvalidEmailError("the email address is empty");
  if (HEADER_BREAKING.test(email)) {
    throw new InvalidEmailError("the email address contains a line break or NUL character");
  }
  if (email.length > MAX_EMAIL_LENGTH) {
    throw new InvalidEmailError(`the email address is longer than ${MAX_EMAIL_LENGTH} characters`);
  }
  if (!Email.safeParse(email).success) {
    throw new InvalidEmailError(`${JSON.stringify(email)} is not a valid email address`);
  }
  return email;
}
