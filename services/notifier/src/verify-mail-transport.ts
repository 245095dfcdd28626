import type { Logger } from "@reimagine/platform";
import { MailSendError, type MailTransport } from "./mail";

/**
 * Checks the mail transport at start-up and logs where mail goes. A permanent problem (refused
 * credentials, a certificate that does not verify) is thrown: no email could ever be sent. A
 * transient one (the server is down) is only logged: sends are retried, and /readyz reports it.
 */
export async function verifyMailTransport(transport: MailTransport, logger: Logger): Promise<void> {
  try {
    await transport.verify();
    logger.info({ mailTransport: transport.describe() }, "mail transport verified");
  } catch (err) {
    if (err instanceof MailSendError && err.transient) {
      logger.warn(
        { mailTransport: transport.describe(), reason: err.reason },
        "mail server not reachable yet: sends will be retried",
      );
      return;
    }
    throw err;
  }
}
