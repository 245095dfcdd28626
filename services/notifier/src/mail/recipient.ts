import { type EmailAddress, InvalidEmailAddressError, parseEmailAddress } from "@reimagine/contracts";
import { InvalidRecipientError } from "./mail-errors";

/** A single, plain address that is safe to put in a To header and an RCPT TO command. */
export type { EmailAddress as Recipient } from "@reimagine/contracts";

/**
 * Parses one recipient address with the rule the API applied at submission (contracts'
 * parseEmailAddress), checked again here because this is where the address reaches SMTP.
 * Throws InvalidRecipientError, which no retry can help.
 */
export function parseRecipient(input: unknown): EmailAddress {
  try {
    return parseEmailAddress(input);
  } catch (err) {
    // the address itself stays out of the message: messages end up in logs and events
    if (err instanceof InvalidEmailAddressError)
      throw new InvalidRecipientError(`invalid recipient: ${err.why}`);
    throw err;
  }
}
