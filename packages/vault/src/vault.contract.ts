import { v7 as uuidv7 } from "uuid";
import { describe, expect, it } from "vitest";
import { PersonalDataErasedError } from "./personal-data-erased-error";
import type { Vault } from "./vault";

/** The behaviour of a vault on any store of key records; run on memory and on NATS KV. */
export function vaultContract(
  name: string,
  open: () => Promise<{ vault: Vault; other: () => Promise<Vault> }>,
) {
  describe(`${name} (vault contract)`, () => {
    it("seals an address that opens again, and under one key per request even when sealed twice", async () => {
      const { vault } = await open();
      const id = uuidv7();
      const first = await vault.seal(id, { email: "nina@example.com" });
      const again = await vault.seal(id, { email: "nina@example.com" });
      expect(first.keyId).toBe(id);
      expect(await vault.open(first)).toEqual({ email: "nina@example.com" });
      expect(await vault.open(again)).toEqual({ email: "nina@example.com" });
    });

    it("forgets a request for good: its data no longer opens, a second forget is a no-op", async () => {
      const { vault } = await open();
      const id = uuidv7();
      const kept = uuidv7();
      const sealed = await vault.seal(id, { email: "gone@example.com" });
      const other = await vault.seal(kept, { email: "gone@example.com" });
      expect(await vault.forget(id)).toBe(true);
      await expect(vault.open(sealed)).rejects.toBeInstanceOf(PersonalDataErasedError);
      await expect(vault.open(sealed)).rejects.toMatchObject({ retryable: false, requestId: id });
      expect(await vault.forget(id)).toBe(false);
      expect(await vault.open(other)).toEqual({ email: "gone@example.com" });
    });

    it("finds a person's requests by address, whatever the case, and no longer after they are forgotten", async () => {
      const { vault, other } = await open();
      const email = `p${uuidv7().slice(-8)}@Example.com`;
      const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
      await vault.seal(a, { email });
      await vault.seal(b, { email: email.toLowerCase() });
      await vault.seal(c, { email: `x${email}` });
      expect((await vault.requestsOf(email.toUpperCase())).sort()).toEqual([a, b].sort());
      // another instance on the same bucket shares the index key
      expect((await (await other()).requestsOf(email)).sort()).toEqual([a, b].sort());
      await vault.forget(a);
      expect(await vault.requestsOf(email)).toEqual([b]);
      expect(await vault.requestsOf("nobody@example.com")).toEqual([]);
    });
  });
}
