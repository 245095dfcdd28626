import { createHash } from "node:crypto";
import { access, constants, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Logger } from "@reimagine/platform";
import nodemailer from "nodemailer";
import { MailSendError } from "./mail-errors";
import type { MailTransport, OutgoingMail, SendResult } from "./mail-transport";
import { nodemailerMessage } from "./nodemailer-message";
import { parseRecipient } from "./recipient";
import { classifySmtpError } from "./smtp-errors";
import { exists, writeFileOnce } from "./write-file-once";

/**
 * The embedded default without SMTP_URL: each message becomes `<message-id>.eml` in
 * DATA_DIR/outbox, the full RFC 5322 message as nodemailer would have sent it. A message whose
 * file already exists counts as sent, so a redelivered event writes nothing twice.
 */
export function createOutboxMailTransport(dataDir: string, logger: Logger): MailTransport {
  const dir = resolve(dataDir, "outbox");
  const composer = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: "windows", // RFC 5322 lines end in CRLF
    disableFileAccess: true,
    disableUrlAccess: true,
    maxRecipients: 1,
  });

  return {
    kind: "outbox",
    describe: () => `outbox ${dir} (no SMTP_URL: .eml files are written, nothing is sent)`,

    async send(mail: OutgoingMail): Promise<SendResult> {
      const path = join(dir, `${outboxFileName(mail.messageId)}.eml`);
      try {
        const recipient = parseRecipient(mail.to);
        if (await exists(path)) return duplicate(mail.messageId, path);
        const info = await composer.sendMail(nodemailerMessage(mail, recipient.address));
        await mkdir(dir, { recursive: true });
        if (!(await writeFileOnce(path, info.message as Buffer))) return duplicate(mail.messageId, path);
        logger.info({ messageId: info.messageId, path }, "email written to the outbox");
        return { messageId: info.messageId, accepted: true, location: path };
      } catch (err) {
        const classified = classifySmtpError(err);
        logger.warn({ messageId: mail.messageId, path, ...classified }, "email not written to the outbox");
        throw new MailSendError(classified, { cause: err });
      }
    },

    async verify(): Promise<void> {
      try {
        await mkdir(dir, { recursive: true });
        await access(dir, constants.W_OK);
      } catch (err) {
        throw new MailSendError(classifySmtpError(err), { cause: err });
      }
    },

    close(): void {},
  };

  function duplicate(messageId: string, path: string): SendResult {
    logger.info({ messageId, path }, "email already in the outbox, not written again");
    return { messageId, accepted: true, location: path, duplicate: true };
  }
}

/** A file name from a Message-ID: "<id@domain>" → "id@domain", anything unusual replaced. */
export function outboxFileName(messageId: string): string {
  const name = messageId
    .replace(/^<|>$/g, "")
    .replace(/[^A-Za-z0-9._@+-]+/g, "_")
    .replace(/^[.]+/, "");
  if (name.length > 0 && name.length <= 200) return name;
  // too long or nothing left: keep the name readable and unique with a hash of the whole id
  const hash = createHash("sha256").update(messageId).digest("hex").slice(0, 16);
  return `${name.slice(0, 150)}-${hash}`.replace(/^-/, "");
}
