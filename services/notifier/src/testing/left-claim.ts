// Test support: claims as another (perhaps crashed) notifier instance would have left them.
import type { LeaseRecord } from "@reimagine/eventstore";
import type { ClaimData } from "../claims";

/** The Message-ID the tests' MAIL_FROM (no-reply@mail.reimagine.test) gives a request. */
export const testMessageId = (requestId: string): string => `<${requestId}.notification@mail.reimagine.test>`;

/** A `held` (mid-send) or `done` (sent) claim for run 0 of a request to nina@example.com, written by `owner` at `at`. */
export function leftClaim(
  state: "held" | "done",
  requestId: string,
  owner = "crashed-host/1234/deadbeef",
  at: Date = new Date(),
): LeaseRecord<ClaimData> {
  const common = {
    owner,
    at: at.toISOString(),
    data: { messageId: testMessageId(requestId), recipientDomain: "example.com" },
  };
  return state === "done" ? { state, ...common } : { state, ...common, takeover: false };
}

/** A claim as a release before the lease protocol wrote it (`sent`, data inline): raw JSON for the bucket. */
export function legacySentClaimJson(requestId: string): string {
  return JSON.stringify({
    state: "sent",
    owner: "old-release/1/cafe",
    at: new Date().toISOString(),
    messageId: testMessageId(requestId),
    recipientDomain: "example.com",
  });
}
