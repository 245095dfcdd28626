import { silentLogger } from "@reimagine/platform";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClaimLease } from "./claim-lease";
import { createInMemoryClaimStore } from "./in-memory-claim-store";
import type { NotificationClaim } from "./notification-claim";

const KEY = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.0";
const LEASE = 3000;
const common = {
  owner: "me",
  at: new Date(0).toISOString(),
  messageId: "<r.notification@mail.reimagine.test>",
  recipientDomain: "example.com",
};
const sending = { state: "sending", takeover: false, ...common } as const;
const sent: NotificationClaim = { state: "sent", ...common };

describe("ClaimLease", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function held() {
    const claims = createInMemoryClaimStore();
    const revision = (await claims.create(KEY, sending))!;
    return { claims, lease: new ClaimLease(claims, KEY, sending, revision, LEASE, silentLogger), revision };
  }

  it("renews the claim every third of the lease, and settles at the renewed revision", async () => {
    const { claims, lease, revision } = await held();
    await vi.advanceTimersByTimeAsync(LEASE / 3);
    const renewed = (await claims.get(KEY))!;
    expect(renewed.revision).toBeGreaterThan(revision);
    expect(renewed.claim.state).toBe("sending");

    expect(await lease.settle(sent)).toBe(true);
    expect((await claims.get(KEY))?.claim.state).toBe("sent");
    // settled: no renewal overwrites the outcome afterwards
    await vi.advanceTimersByTimeAsync(LEASE * 2);
    expect((await claims.get(KEY))?.claim.state).toBe("sent");
  });

  it("notices a takeover at its next renewal and never overwrites the new owner's claim", async () => {
    const { claims, lease, revision } = await held();
    await claims.update(KEY, { ...sending, owner: "other", takeover: true }, revision);
    await vi.advanceTimersByTimeAsync(LEASE / 3);
    expect(lease.lost).toBe(true);

    expect(await lease.settle(sent)).toBe(false);
    expect((await claims.get(KEY))?.claim).toMatchObject({ state: "sending", owner: "other" });
  });

  it("a takeover between the last renewal and the settle is caught by compare-and-set", async () => {
    const { claims, lease, revision } = await held();
    await claims.update(KEY, { ...sending, owner: "other", takeover: true }, revision);
    expect(await lease.settle(sent)).toBe(false);
    expect(lease.lost).toBe(true);
    expect((await claims.get(KEY))?.claim.owner).toBe("other");
  });

  it("keeps trying when a renewal fails, and settles once the store answers again", async () => {
    const { claims, lease } = await held();
    const update = claims.update.bind(claims);
    let down = true;
    claims.update = (...args) => (down ? Promise.reject(new Error("nats down")) : update(...args));
    await vi.advanceTimersByTimeAsync(LEASE / 3);
    expect(lease.lost).toBe(false);
    down = false;
    expect(await lease.settle(sent)).toBe(true);
  });
});
