import { createHmac, randomBytes } from "node:crypto";
import type { PersonalData, SealedData } from "@reimagine/contracts";
import type { KvRecordStore } from "@reimagine/eventstore";
import { ZodError } from "zod";
import { dataKeyName, INDEX_KEY_NAME, indexPrefix, type KeyRecord } from "./key-records";
import { KeyStoreUnavailableError } from "./key-store-unavailable-error";
import { PersonalDataErasedError } from "./personal-data-erased-error";
import { DATA_KEY_BYTES, openWith, SealBrokenError, sealWith } from "./seal";

/**
 * Personal data sealed under one data key per request, and erased by erasing that key. Every method
 * throws KeyStoreUnavailableError when the key bucket cannot be reached.
 */
export interface Vault {
  /** Where the keys live, for logs. */
  readonly name: string;
  /**
   * Seals the person's data under the request's data key, made on first use (a retry of the same
   * request seals under the same key), and adds the request to the index of its address.
   */
  seal(requestId: string, data: PersonalData): Promise<SealedData>;
  /** Opens sealed data; throws PersonalDataErasedError once its key is erased. */
  open(sealed: SealedData): Promise<PersonalData>;
  /** Erases the request's data key and its index entry for good; false when there was no key. */
  forget(requestId: string): Promise<boolean>;
  /** The requests whose data was sealed for this address (and not forgotten since). */
  requestsOf(email: string): Promise<string[]>;
}

/**
 * An address as the index knows it: trimmed and lower-cased, so `Nina@Example.com` finds what
 * `nina@example.com` submitted (mail systems treat the two alike in practice).
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * The vault over a store of key records (a NATS KV bucket, see openVault; in memory for tests). The
 * address index is an HMAC whose key lives in the same bucket: nothing derived from an address is
 * stored outside it, and an index entry is erased with the request's key.
 */
export function createVault(records: KvRecordStore<KeyRecord>): Vault {
  let indexKey: Promise<Buffer> | null = null;
  const indexOf = async (email: string) => {
    indexKey ??= loadIndexKey(records).catch((err: unknown) => {
      indexKey = null;
      throw err;
    });
    return createHmac("sha256", await indexKey)
      .update(normalizeEmail(email))
      .digest("hex");
  };

  const vault: Vault = {
    name: records.name,

    async seal(requestId, data) {
      const index = await indexOf(data.email);
      const name = dataKeyName(requestId);
      const made = { kind: "data-key" as const, key: randomBytes(DATA_KEY_BYTES).toString("base64"), index };
      let record: KeyRecord | undefined = made;
      if ((await records.create(name, made)) === null) record = (await records.get(name))?.value;
      if (record?.kind !== "data-key") throw new Error(`key record ${name} is missing or not a data key`);
      // After the key, so an index entry never outlives the key whose record names it.
      await records.create(`${indexPrefix(record.index)}${requestId}`, { kind: "index-entry" });
      return sealWith(Buffer.from(record.key, "base64"), requestId, data);
    },

    async open(sealed) {
      const entry = await records.get(dataKeyName(sealed.keyId));
      if (entry?.value.kind !== "data-key") throw new PersonalDataErasedError(sealed.keyId);
      return openWith(Buffer.from(entry.value.key, "base64"), sealed);
    },

    async forget(requestId) {
      const name = dataKeyName(requestId);
      const entry = await records.get(name);
      if (entry?.value.kind !== "data-key") return false;
      // The index entry first: if we stop halfway, the key (which names it) is still there to retry with.
      await records.erase(`${indexPrefix(entry.value.index)}${requestId}`);
      return records.erase(name);
    },

    async requestsOf(email) {
      const prefix = indexPrefix(await indexOf(email));
      return (await records.keys(prefix)).map((key) => key.slice(prefix.length));
    },
  };
  return withUnavailable(vault);
}

/** The vault's own errors pass; anything else is the key bucket failing, and says so. */
function withUnavailable(vault: Vault): Vault {
  const guard =
    <A extends unknown[], R>(what: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (err) {
        const ours = err instanceof PersonalDataErasedError || err instanceof SealBrokenError;
        if (ours || err instanceof ZodError) throw err;
        throw new KeyStoreUnavailableError(`cannot ${what}: ${vault.name} is unavailable`, { cause: err });
      }
    };
  return {
    name: vault.name,
    seal: guard("seal personal data", vault.seal),
    open: guard("open personal data", vault.open),
    forget: guard("erase a data key", vault.forget),
    requestsOf: guard("look up an address", vault.requestsOf),
  };
}

/** The bucket's index key: made by whichever instance comes first, read by all the others. */
async function loadIndexKey(records: KvRecordStore<KeyRecord>): Promise<Buffer> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const existing = (await records.get(INDEX_KEY_NAME))?.value;
    if (existing?.kind === "index-key") return Buffer.from(existing.key, "base64");
    const key = randomBytes(32);
    if ((await records.create(INDEX_KEY_NAME, { kind: "index-key", key: key.toString("base64") })) !== null) {
      return key;
    }
  }
  throw new Error(`cannot read or create the index key in ${records.name}`);
}
