import { domainToASCII } from "node:url";
import { InvalidRecipientError } from "./mail-errors";

/** A single, plain address that is safe to put in a To header and an RCPT TO command. */
export interface Recipient {
  address: string;
  domain: string;
}

// RFC 5322 atext: the only characters of a dot-atom local part. Quoted local parts, comments,
// display names and groups are all refused, so nothing but one mailbox can ever reach a header.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// C0 controls (CR, LF, NUL, TAB ...), DEL, C1 controls and the Unicode line/paragraph separators:
// any of them could end a header line in some parser along the way.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Parses one recipient address strictly; throws InvalidRecipientError for anything else. */
export function parseRecipient(input: unknown): Recipient {
  if (typeof input !== "string") throw invalid("not a string");
  if (CONTROL.test(input)) throw invalid("contains a control character or line break");
  const trimmed = input.trim();
  if (trimmed.length === 0) throw invalid("empty");
  // 254 = the RFC 5321 path limit (256) minus the angle brackets
  if (trimmed.length > 254) throw invalid("longer than 254 characters");
  if (/[\s,;<>()[\]":\\]/.test(trimmed)) {
    throw invalid("only a single plain address is accepted (no name, list, comment or quotes)");
  }
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at !== trimmed.indexOf("@")) throw invalid("must contain exactly one @");
  const local = trimmed.slice(0, at);
  if (local.length > 64 || !LOCAL_PART.test(local)) throw invalid("the part before @ is not valid");
  const domain = asciiDomain(trimmed.slice(at + 1));
  return { address: `${local}@${domain}`, domain };
}

function asciiDomain(raw: string): string {
  // domainToASCII lowercases and maps an internationalised domain to its A-labels; "" = refused
  const domain = raw.length > 0 ? domainToASCII(raw) : "";
  if (domain.length === 0 || domain.length > 253) throw invalid("the domain is not valid");
  const labels = domain.split(".");
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) {
    throw invalid("the domain is not valid");
  }
  if (/^[0-9]+$/.test(labels.at(-1) ?? "")) throw invalid("the domain is not valid");
  return domain;
}

function invalid(why: string): InvalidRecipientError {
  // the address itself stays out of the message: messages end up in logs and events
  return new InvalidRecipientError(`invalid recipient: ${why}`);
}
