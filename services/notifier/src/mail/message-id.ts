import { domainToASCII } from "node:url";
import addressparser from "nodemailer/lib/addressparser";
import { InvalidMailInputError } from "./mail-errors";

const FALLBACK_DOMAIN = "reimagine.local";
// a request id becomes the id-left of a msg-id, so it must be a dot-atom with no specials
const SAFE_ID = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
// at least two labels: a bare "localhost" makes a Message-ID that looks like it came from anywhere
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/**
 * The Message-ID of the notification for one request. Deterministic, so a resend after a crash
 * carries the same id and receiving servers and clients can recognise the duplicate.
 */
export function notificationMessageId(requestId: string, mailFrom: string | undefined): string {
  return messageId(requestId, "notification", mailFrom);
}

/**
 * The Message-ID of the email telling the person that `stage` failed in its run `run`: as
 * deterministic as the notification's, and another per failure, so an operator's retry that fails
 * again is a new email and never looks like a duplicate of the first.
 */
export function failureMessageId(
  requestId: string,
  stage: string,
  run: number,
  mailFrom: string | undefined,
): string {
  return messageId(requestId, `${stage}-failed-${run}`, mailFrom);
}

function messageId(requestId: string, kind: string, mailFrom: string | undefined): string {
  if (!SAFE_ID.test(requestId) || requestId.length > 200 || !SAFE_ID.test(kind)) {
    throw new InvalidMailInputError("request id cannot be used in a Message-ID");
  }
  return `<${requestId}.${kind}@${messageIdDomain(mailFrom)}>`;
}

/** The domain of the MAIL_FROM address (e.g. "reimagine <no-reply@example.com>"), else the fallback. */
export function messageIdDomain(mailFrom: string | undefined): string {
  const [first] = addressparser(mailFrom ?? "", { flatten: true });
  const address = first?.address ?? "";
  const at = address.lastIndexOf("@");
  if (at < 1) return FALLBACK_DOMAIN;
  const domain = domainToASCII(address.slice(at + 1));
  return DOMAIN.test(domain) && domain.length <= 253 ? domain : FALLBACK_DOMAIN;
}
