import { describe, expect, it } from "vitest";
import { decideClaim } from "./decide-claim";
import type { ClaimEntry, NotificationClaim } from "./notification-claim";

const LEASE = 30_000;
const NOW = Date.parse("2026-11-29T10:00:00.000Z");
const common = {
  at: "2026-11-29T09:59:00.000Z",
  messageId: "<r.notification@mail.reimagine.test>",
  recipientDomain: "example.com",
};

function entry(claim: NotificationClaim, storedMsAgo: number, revision = 7): ClaimEntry {
  return { claim, revision, storedAt: new Date(NOW - storedMsAgo) };
}
const sending = (owner: string): NotificationClaim => ({
  state: "sending",
  owner,
  takeover: false,
  ...common,
});
const decide = (e: ClaimEntry | null) => decideClaim({ entry: e, nowMs: NOW, leaseMs: LEASE, self: "me" });

describe("decideClaim", () => {
  it("creates the claim when there is none", () => {
    expect(decide(null)).toEqual({ kind: "create" });
  });

  it("never sends again once a claim says sent, however old", () => {
    const sent: NotificationClaim = { state: "sent", owner: "other", ...common };
    for (const age of [0, LEASE * 10]) {
      expect(decide(entry(sent, age))).toEqual({
        kind: "sent",
        messageId: common.messageId,
        recipientDomain: "example.com",
      });
    }
  });

  it("retakes a failed claim at its revision, at once", () => {
    const failed: NotificationClaim = {
      state: "failed",
      owner: "other",
      reason: "451",
      smtpCode: 451,
      ...common,
    };
    expect(decide(entry(failed, 0))).toEqual({ kind: "retake", revision: 7, previous: failed });
  });

  it("waits for a live sender until its lease would have run out", () => {
    expect(decide(entry(sending("other"), 10_000))).toEqual({
      kind: "wait",
      owner: "other",
      retryAfterMs: 20_000 + 250,
    });
  });

  it("takes over from a sender silent for a whole lease (it died mid-send)", () => {
    const claim = sending("other");
    expect(decide(entry(claim, LEASE))).toEqual({
      kind: "takeover",
      revision: 7,
      previous: claim,
      silentForMs: LEASE,
    });
  });

  it("waits a full lease when the server's clock is ahead of ours", () => {
    expect(decide(entry(sending("other"), -5_000))).toMatchObject({
      kind: "wait",
      retryAfterMs: LEASE + 250,
    });
  });

  it("retakes its own sending claim at once: this instance knows it is not sending", () => {
    const mine = sending("me");
    expect(decide(entry(mine, 0))).toEqual({ kind: "retake", revision: 7, previous: mine });
  });
});
