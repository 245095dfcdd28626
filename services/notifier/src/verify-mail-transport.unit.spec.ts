import { silentLogger } from "@reimagine/platform";
import { describe, expect, it } from "vitest";
import { MailSendError, type MailTransport } from "./mail";
import { verifyMailTransport } from "./verify-mail-transport";

const transportFailing = (error: Error | null): MailTransport => ({
  kind: "smtp",
  describe: () => "smtp mail.example.com:587",
  send: () => Promise.reject(new Error("not used")),
  verify: () => (error ? Promise.reject(error) : Promise.resolve()),
  close: () => undefined,
});

describe("verifyMailTransport", () => {
  it("starts when the server answers, and when it is only down for now", async () => {
    await expect(verifyMailTransport(transportFailing(null), silentLogger)).resolves.toBeUndefined();
    const down = new MailSendError({ transient: true, smtpCode: null, reason: "ECONNREFUSED" });
    await expect(verifyMailTransport(transportFailing(down), silentLogger)).resolves.toBeUndefined();
  });

  it("refuses to start when no email could ever be sent (credentials refused)", async () => {
    const refused = new MailSendError({
      transient: false,
      smtpCode: 535,
      reason: "SMTP 535: bad credentials",
    });
    await expect(verifyMailTransport(transportFailing(refused), silentLogger)).rejects.toBe(refused);
  });
});
