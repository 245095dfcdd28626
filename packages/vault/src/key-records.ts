import * as z from "zod";

/**
 * What the key bucket holds, each written once (create) and erased once, never updated: an update
 * would leave the old bytes readable in the bucket's files (see KvRecordStore.erase).
 * - `key.<requestId>`: the request's data key, and its index value (to erase the index entry too);
 * - `email.<index>.<requestId>`: the index of requests by address, listed by key prefix;
 * - `index-key`: the HMAC key of that index, made once per bucket.
 */
export const KeyRecord = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("data-key"), key: z.base64(), index: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({ kind: z.literal("index-entry") }),
  z.object({ kind: z.literal("index-key"), key: z.base64() }),
]);
export type KeyRecord = z.infer<typeof KeyRecord>;

export const dataKeyName = (requestId: string): string => `key.${requestId}`;
export const indexPrefix = (index: string): string => `email.${index}.`;
export const INDEX_KEY_NAME = "index-key";
