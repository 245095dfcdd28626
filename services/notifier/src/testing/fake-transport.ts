// Test support: a mail transport that records what it sends, for handler unit tests.
import { vi } from "vitest";
import type { MailTransport, OutgoingMail } from "../mail";

/** A transport that records what it sends; `fail` scripts failures for the next sends. */
export function fakeTransport() {
  const sent: OutgoingMail[] = [];
  const failures: Error[] = [];
  const transport: MailTransport = {
    kind: "smtp",
    describe: () => "fake",
    send: vi.fn(async (mail: OutgoingMail) => {
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push(mail);
      return { messageId: mail.messageId, accepted: true };
    }),
    verify: async () => undefined,
    close: () => undefined,
  };
  return { transport, sent, fail: (err: Error) => failures.push(err) };
}
