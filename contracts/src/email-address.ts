import { domainToASCII } from "node:url";
import * as z from "zod";

/**
 * THE email rule, shared by the API (which refuses at the door) and the notifier (which checks the
 * recipient again before sending), so no address is accepted that will later be refused.
 */

/** A single, plain address that is safe to put in a To header and an RCPT TO command. */
export interface EmailAddress {
  /** The local part as sent, the domain lowercased and in A-labels. */
  address: string;
  domain: string;
}

/** The address breaks the rule; `why` says which part, never repeating the address itself. */
export class InvalidEmailAddressError extends Error {
  override readonly name = "InvalidEmailAddressError";
  readonly code = "INVALID_EMAIL_ADDRESS";
  constructor(readonly why: string) {
    super(`invalid email address: ${why}`);
  }
}

/** RFC 5321's limit on a forward path (256) minus the angle brackets. */
export const MAX_EMAIL_LENGTH = 254;

// RFC 5322 atext: the only characters of a dot-atom local part. Quoted local parts, comments,
// display names and groups are all refused, so nothing but one mailbox can ever reach a header.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// C0 controls (CR, LF, NUL, TAB ...), DEL, C1 controls and the Unicode line/paragraph separators:
// any of them could end a header line in some parser along the way.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// What the ImageSubmitted event's schema accepts, so an address let in can always be recorded.
const EVENT_EMAIL = z.email().max(MAX_EMAIL_LENGTH);

/** Parses one address strictly; throws InvalidEmailAddressError for anything else. */
export function parseEmailAddress(input: unknown): EmailAddress {
  if (typeof input !== "string") throw invalid("is not a string");
  if (CONTROL.test(input)) throw invalid("contains a control character or line break");
  const trimmed = input.trim();
  if (trimmed.length === 0) throw invalid("is empty");
  if (trimmed.length > MAX_EMAIL_LENGTH) throw invalid(`is longer than ${MAX_EMAIL_LENGTH} characters`);
  if (/[\s,;<>()[\]":\\]/.test(trimmed)) {
    throw invalid("must be a single plain address (no name, list, comment or quotes)");
  }
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at !== trimmed.indexOf("@")) throw invalid("must contain exactly one @");
  const local = trimmed.slice(0, at);
  if (local.length > 64) throw invalid("has more than 64 characters before the @");
  if (!LOCAL_PART.test(local)) throw invalid("has characters before the @ that are not allowed");
  const domain = asciiDomain(trimmed.slice(at + 1));
  const address = `${local}@${domain}`;
  if (!EVENT_EMAIL.safeParse(address).success) throw invalid("is not an address we can accept");
  return { address, domain };
}

/** The rule as a zod schema (for API bodies and their documentation); yields the normalised address. */
export const EmailAddressSchema = z
  .string()
  .max(1024)
  .transform((value, ctx) => {
    try {
      return parseEmailAddress(value).address;
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  });

function asciiDomain(raw: string): string {
  // domainToASCII lowercases and maps an internationalised domain to its A-labels; "" = refused
  const domain = raw.length > 0 ? domainToASCII(raw) : "";
  if (domain.length === 0 || domain.length > 253) throw invalid("has a domain that is not valid");
  const labels = domain.split(".");
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) {
    throw invalid("has a domain that is not valid (each label 1 to 63 letters, digits or inner hyphens)");
  }
  if (/^[0-9]+$/.test(labels.at(-1) ?? "")) throw invalid("has a domain that is not valid");
  return domain;
}

const invalid = (why: string) => new InvalidEmailAddressError(why);

/** "nina@example.com" → "n***@example.com": enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}
