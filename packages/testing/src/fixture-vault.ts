import { randomBytes } from "node:crypto";
import type { SealedData } from "@reimagine/contracts";
import { createInMemoryKvRecordStore } from "@reimagine/eventstore";
import { createVault, dataKeyName, KeyRecord, sealWith, type Vault } from "@reimagine/vault";

const records = createInMemoryKvRecordStore({ schema: KeyRecord, name: "fixture keys" });

/**
 * The in-memory vault that holds the keys of every test event built by `imageSubmitted` in this
 * process: pass it wherever code under test opens (or forgets) a fixture request's address.
 * Fixture requests are not in its address index.
 */
export const fixtureVault: Vault = createVault(records);

/**
 * Seals an address (and a webhook URL, if given) for a fixture request under its key in
 * `fixtureVault`, synchronously.
 */
export function fixtureSealed(requestId: string, email: string, webhookUrl?: string): SealedData {
  const name = dataKeyName(requestId);
  const existing = records.peek(name)?.value;
  let key: Buffer;
  if (existing?.kind === "data-key") key = Buffer.from(existing.key, "base64");
  else {
    key = randomBytes(32);
    // The in-memory store writes before its promise settles, so the key is there when this returns.
    void records.create(name, { kind: "data-key", key: key.toString("base64"), index: "0".repeat(64) });
  }
  return sealWith(key, requestId, { email, ...(webhookUrl ? { webhookUrl } : {}) });
}
