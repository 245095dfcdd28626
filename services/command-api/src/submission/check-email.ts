import { InvalidEmailAddressError, parseEmailAddress } from "@reimagine/contracts";

/**
 * The address as it will be recorded (domain normalised), or InvalidEmailError: the one rule the
 * notifier applies too (contracts' parseEmailAddress), so nothing accepted here is refused later.
 */
export function checkEmail(email: string): string {
  try {
    return parseEmailAddress(email).address;
  } catch (err) {
    if (err instanceof InvalidEmailAddressError) {
      throw new InvalidEmailError(`the email address ${err.why}`, { cause: err });
    }
    throw err;
  }
}

/** The email field is not an address we accept; the message says why and is safe to show. */
export class InvalidEmailError extends Error {
  override readonly name = "InvalidEmailError";
  readonly code = "INVALID_EMAIL";
}
