import type { Logger } from "@reimagine/platform";
import { ConfigError } from "@reimagine/platform";
import nodemailer from "nodemailer";
import { parseConnectionUrl } from "nodemailer/lib/shared";
import type { SMTPTransportOptions } from "nodemailer/lib/smtp-transport";
import { MailSendError } from "./mail-errors";
import type { MailTransport, OutgoingMail, SendResult } from "./mail-transport";
import { nodemailerMessage } from "./nodemailer-message";
import { parseRecipient } from "./recipient";
import { classifySmtpError } from "./smtp-errors";

// nodemailer's defaults (2 min to connect, 10 min of silence) would hold a handler's message far
// beyond its ack wait; a slow server is better treated as a transient failure and retried
const TIMEOUTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
  dnsTimeout: 10_000,
} as const;

/**
 * SMTP from a URL: smtp:// (STARTTLS when offered), smtps:// (implicit TLS), user:password@ for
 * AUTH, and nodemailer's query options (?requireTLS=true, ?tls.rejectUnauthorized=false ...).
 */
export function createSmtpMailTransport(smtpUrl: string, logger: Logger): MailTransport {
  const options = smtpOptions(smtpUrl);
  const transporter = nodemailer.createTransport(options);
  // Send failures reach sendMail's caller; anything the transport emits besides must not crash us.
  transporter.on("error", (err) => logger.warn({ err }, "mail transport error"));
  const description = describeSmtp(options);

  return {
    kind: "smtp",
    describe: () => description,

    async send(mail: OutgoingMail): Promise<SendResult> {
      let recipientDomain: string | undefined;
      try {
        const recipient = parseRecipient(mail.to);
        recipientDomain = recipient.domain;
        const info = await transporter.sendMail(nodemailerMessage(mail, recipient.address));
        const accepted = info.accepted.length > 0 && info.rejected.length === 0;
        logger.info({ messageId: info.messageId, recipientDomain, response: info.response }, "email sent");
        return { messageId: info.messageId, accepted };
      } catch (err) {
        const classified = classifySmtpError(err);
        logger.warn({ messageId: mail.messageId, recipientDomain, ...classified }, "email not sent");
        throw new MailSendError(classified, { cause: err });
      }
    },

    async verify(): Promise<void> {
      try {
        await transporter.verify();
      } catch (err) {
        throw new MailSendError(classifySmtpError(err), { cause: err });
      }
    },

    close(): void {
      transporter.close();
    },
  };
}

function smtpOptions(smtpUrl: string): SMTPTransportOptions {
  const protocol = smtpUrl.slice(0, smtpUrl.indexOf(":") + 1).toLowerCase();
  if (protocol !== "smtp:" && protocol !== "smtps:") {
    throw new ConfigError("SMTP_URL must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)");
  }
  const fromUrl = parseConnectionUrl(smtpUrl) as SMTPTransportOptions;
  return {
    ...TIMEOUTS,
    ...fromUrl,
    // one connection per send: the notifier sends rarely, and a pooled connection that the
    // server dropped while idle would turn into a spurious failure
    pool: false,
    // the message is built from our own strings only: never read files or URLs into it
    disableFileAccess: true,
    disableUrlAccess: true,
    // a second layer under parseRecipient: a message can never fan out
    maxRecipients: 1,
    logger: false,
  };
}

function describeSmtp(o: SMTPTransportOptions): string {
  const port = o.port ?? (o.secure ? 465 : 587);
  const tls = o.secure
    ? "implicit TLS"
    : o.ignoreTLS
      ? "plain, STARTTLS ignored"
      : o.requireTLS
        ? "STARTTLS required"
        : "STARTTLS when offered";
  const user = o.auth && "user" in o.auth && o.auth.user ? `, auth as ${o.auth.user}` : "";
  const verifying = o.tls?.rejectUnauthorized === false ? ", certificate NOT verified" : "";
  return `smtp ${o.host ?? "localhost"}:${port} (${tls}${user}${verifying})`;
}
