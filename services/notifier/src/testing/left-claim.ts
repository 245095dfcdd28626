// Test support: claims as another (perhaps crashed) notifier instance would have left them.
import type { NotificationClaim } from "../claims";

/** The Message-ID the tests' MAIL_FROM (no-reply@mail.reimagine.test) gives a request. */
export const testMessageId = (requestId: string): string => `<${requestId}.notification@mail.reimagine.test>`;

/** A `sending` or `sent` claim for run 0 of a request to nina@example.com, written by `owner` at `at`. */
export function leftClaim(
  state: "sending" | "sent",
  requestId: string,
  owner = "crashed-host/1234/deadbeef",
  at: Date = new Date(),
): NotificationClaim {
  const common = {
    owner,
    at: at.toISOString(),
    messageId: testMessageId(requestId),
    recipientDomain: "example.com",
  };
  return state === "sent" ? { state, ...common } : { state, ...common, takeover: false };
}
