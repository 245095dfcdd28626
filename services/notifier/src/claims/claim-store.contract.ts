import { describe, expect, it } from "vitest";
import type { ClaimStore } from "./claim-store";
import { claimKey, type NotificationClaim } from "./notification-claim";

const sending = (owner: string): NotificationClaim => ({
  state: "sending",
  owner,
  at: new Date().toISOString(),
  messageId: "<r.notification@mail.reimagine.test>",
  recipientDomain: "example.com",
  takeover: false,
});

let counter = 0;
const freshKey = () => claimKey(`0190a1b2-c3d4-7e5f-8a9b-${String(++counter).padStart(12, "0")}`, 0);

/** The rules every ClaimStore keeps; run against the KV bucket and the in-memory twin. */
export function claimStoreContract(name: string, open: () => Promise<ClaimStore>): void {
  describe(`ClaimStore contract: ${name}`, () => {
    it("reads nothing for a key never claimed", async () => {
      expect(await (await open()).get(freshKey())).toBeNull();
    });

    it("creates a claim once: of concurrent creates exactly one wins", async () => {
      const claims = await open();
      const key = freshKey();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => claims.create(key, sending(`owner-${i}`))),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      const entry = await claims.get(key);
      expect(entry?.revision).toBe(winners[0]);
      expect(entry?.claim.owner).toBe(`owner-${results.indexOf(winners[0]!)}`);
      expect(entry?.storedAt).toBeInstanceOf(Date);
    });

    it("updates only at the revision the writer saw", async () => {
      const claims = await open();
      const key = freshKey();
      const first = (await claims.create(key, sending("a")))!;
      const sent: NotificationClaim = { ...sending("a"), state: "sent" };
      const second = await claims.update(key, sent, first);
      expect(second).toBeGreaterThan(first);
      // a writer still holding the first revision lost the race
      expect(await claims.update(key, sending("b"), first)).toBeNull();
      expect((await claims.get(key))?.claim).toMatchObject({ state: "sent", owner: "a" });
      expect(await claims.create(key, sending("c"))).toBeNull();
    });

    it("refuses to store something that is not a claim", async () => {
      const claims = await open();
      await expect(claims.create(freshKey(), { state: "maybe" } as never)).rejects.toThrow();
    });
  });
}
