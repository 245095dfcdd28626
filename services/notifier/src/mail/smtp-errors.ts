import { InvalidMailInputError, InvalidRecipientError, MailSendError } from "./mail-errors";

/** What a failed send means for the caller: retry later (transient) or give up (permanent). */
export interface SmtpErrorClassification {
  transient: boolean;
  smtpCode: number | null;
  reason: string;
}

// nodemailer's own codes for "the connection failed", and the Node errno codes behind them
const TRANSIENT_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "EPROXY",
  "EPROTOCOL",
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ESOCKETTIMEDOUT",
  // the outbox directory: a full or busy disk can recover
  "ENOSPC",
  "EMFILE",
  "ENFILE",
  "EBUSY",
  "EAGAIN",
  "EIO",
]);

// configuration mistakes: retrying the same message cannot help, an operator has to act
const PERMANENT_CODES = new Set([
  "EAUTH",
  "ENOAUTH",
  "EOAUTH2",
  "ECONFIG",
  "EENVELOPE",
  "EMAXRECIPIENTS",
  "EREQUIRETLS",
  "EFILEACCESS",
  "EURLACCESS",
  "EACCES",
  "EPERM",
  "EROFS",
  "ENOTDIR",
  "ERR_INVALID_URL",
]);

// a TLS peer that fails verification keeps failing until its certificate or our trust changes
const CERTIFICATE_CODES =
  /^(?:CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(?:VERIFY|GET)_|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)/;

const REASON_MAX = 500;

/**
 * Classifies a send failure from nodemailer's error fields (responseCode, code, originalCode):
 * 4xx replies and connection trouble are transient, 5xx replies and configuration faults permanent.
 */
export function classifySmtpError(err: unknown): SmtpErrorClassification {
  if (err instanceof MailSendError) {
    return { transient: err.transient, smtpCode: err.smtpCode, reason: err.reason };
  }
  if (err instanceof InvalidRecipientError || err instanceof InvalidMailInputError) {
    return { transient: false, smtpCode: null, reason: err.message };
  }
  const fields = readFields(err);
  const reason = describe(fields);

  if (fields.responseCode !== null) {
    const c = fields.responseCode;
    // RFC 5321: 4yz is a transient negative reply, 5yz a permanent one. 503 "bad sequence of
    // commands" is about the session's state, not the message, so nodemailer (and we) retry it.
    if (c >= 400 && c < 500) return { transient: true, smtpCode: c, reason };
    if (c >= 500 && c < 600) return { transient: c === 503, smtpCode: c, reason };
  }
  const codes = [fields.originalCode, fields.code].filter((c): c is string => c !== null);
  if (codes.some((c) => CERTIFICATE_CODES.test(c))) {
    return { transient: false, smtpCode: fields.responseCode, reason };
  }
  if (codes.some((c) => TRANSIENT_CODES.has(c))) {
    return { transient: true, smtpCode: fields.responseCode, reason };
  }
  if (codes.some((c) => PERMANENT_CODES.has(c))) {
    return { transient: false, smtpCode: fields.responseCode, reason };
  }
  // unknown failures are retried: the handler's attempt limit still ends them, while wrongly
  // giving up would lose an email that a second try could have sent
  return { transient: true, smtpCode: fields.responseCode, reason };
}

interface ErrorFields {
  code: string | null;
  originalCode: string | null;
  responseCode: number | null;
  command: string | null;
  response: string | null;
  message: string;
}

function readFields(err: unknown): ErrorFields {
  const e = (typeof err === "object" && err !== null ? err : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);
  const responseCode =
    typeof e.responseCode === "number" && Number.isInteger(e.responseCode) ? e.responseCode : null;
  return {
    code: str(e.code),
    originalCode: str(e.originalCode),
    responseCode,
    command: str(e.command),
    response: str(e.response),
    message: str(e.message) ?? String(err),
  };
}

function describe(f: ErrorFields): string {
  const where = f.command ? ` on ${f.command}` : "";
  const code = [f.code, f.originalCode].filter(Boolean).join("/");
  const head = f.responseCode !== null ? `SMTP ${f.responseCode}${where}` : `${code || "mail error"}${where}`;
  const detail = maskAddresses(oneLine(f.response ?? f.message));
  const reason = `${head}: ${detail}`;
  return reason.length <= REASON_MAX ? reason : `${reason.slice(0, REASON_MAX - 1)}…`;
}

// reasons go into events and logs; a server reply often repeats the recipient's address
function maskAddresses(text: string): string {
  return text.replace(/[^\s<>"'@:;,]+@([A-Za-z0-9.-]+)/g, "***@$1");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
