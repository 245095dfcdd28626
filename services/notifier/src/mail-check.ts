import type { PreflightCheck, PreflightResult } from "@reimagine/platform";
import { MailSendError, type MailTransport } from "./mail";

/**
 * `mail`: the SMTP server accepts a connection and, when SMTP_URL has them, the credentials; or
 * the outbox directory is writable. Refused credentials or a certificate that does not verify fail
 * every email; a server that is merely down fails here too, and sends are retried meanwhile.
 */
export function mailCheck(transport: MailTransport): PreflightCheck {
  return {
    name: "mail",
    async run(): Promise<PreflightResult> {
      try {
        await transport.verify();
      } catch (err) {
        const reason =
          err instanceof MailSendError ? err.reason : err instanceof Error ? err.message : String(err);
        return { status: "fail", detail: `${transport.describe()}: ${reason}` };
      }
      const what =
        transport.kind === "smtp" ? "accepts a connection (and the credentials, if any)" : "is writable";
      return { status: "ok", detail: `${transport.describe()}: ${what}` };
    },
  };
}
