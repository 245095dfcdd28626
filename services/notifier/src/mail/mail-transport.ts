import type { Config, Logger } from "@reimagine/platform";
import { inSpan } from "@reimagine/platform";
import { createOutboxMailTransport } from "./outbox-mail-transport";
import { createSmtpMailTransport } from "./smtp-mail-transport";

/** One email, already rendered. `to` is re-validated by every transport before use. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The deterministic id from notificationMessageId(), angle brackets included. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface SendResult {
  messageId: string;
  accepted: boolean;
  /** Where the outbox wrote the .eml file. */
  location?: string;
  /** True when the outbox already held this message and wrote nothing. */
  duplicate?: boolean;
}

/**
 * Sends mail over SMTP or into the outbox directory. A failed send rejects with a
 * MailSendError that says whether retrying can help.
 */
export interface MailTransport {
  readonly kind: "smtp" | "outbox";
  /** Where mail goes, safe to log (never a password). */
  describe(): string;
  send(mail: OutgoingMail): Promise<SendResult>;
  /** Checks that the server answers and accepts our credentials, or that the outbox is writable. */
  verify(): Promise<void>;
  close(): void;
}

/** SMTP when SMTP_URL is set, else .eml files in DATA_DIR/outbox (the embedded default). */
export function createMailTransport(
  config: Pick<Config, "SMTP_URL" | "DATA_DIR">,
  logger: Logger,
): MailTransport {
  const transport = config.SMTP_URL
    ? createSmtpMailTransport(config.SMTP_URL, logger)
    : createOutboxMailTransport(config.DATA_DIR, logger);
  logger.info({ mailTransport: transport.describe() }, "mail transport ready");
  return {
    kind: transport.kind,
    describe: () => transport.describe(),
    verify: () => transport.verify(),
    close: () => transport.close(),
    send: (mail) =>
      inSpan(
        "mail.send",
        { "reimagine.mail.transport": transport.kind, "reimagine.mail.message_id": mail.messageId },
        () => transport.send(mail),
      ),
  };
}
