import * as z from "zod";

const base64url = (bytes: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`), `${bytes} bytes, base64url`);

/**
 * Personal data as the log keeps it: encrypted with AES-256-GCM under the request's own data key,
 * which lives in the key store (packages/vault), never in the log. Erasing that key makes every copy
 * of the ciphertext (the log, its replicas, exports, backups) unreadable: crypto-shredding.
 */
export const SealedData = z.object({
  /** Names the data key in the key store (the request id). */
  keyId: z.string().min(1).max(200),
  alg: z.literal("A256GCM"),
  /** The 96-bit nonce, fresh for every seal. */
  iv: base64url(12),
  /** The 128-bit GCM tag: a changed ciphertext or one moved to another key id does not open. */
  tag: base64url(16),
  ciphertext: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "base64url")
    .max(8192),
});
export type SealedData = z.infer<typeof SealedData>;

/** An absolute http(s) URL without credentials, at most 2048 characters: a webhook target. */
export const WebhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine(
    (u) => URL.canParse(u) && !new URL(u).username && !new URL(u).password,
    "must not carry credentials",
  );

/**
 * What a SealedData opens to: everything in a request that identifies the person. The webhook URL
 * too: a personal host, or a token in its path or query, points at its owner.
 */
export const PersonalData = z.object({
  email: z.email().max(254),
  /** Where the request's outcome is POSTed, when the submission asked for a webhook. */
  webhookUrl: WebhookUrl.optional(),
});
export type PersonalData = z.infer<typeof PersonalData>;

/**
 * The person's data in ImageSubmitted: sealed (written since version 2); in clear text (version 1
 * events, read through the upcaster: the log still holds those addresses); or erased (how an
 * export shows a request that was forgotten).
 */
export const PersonalDataField = z.union([
  z.strictObject({ sealed: SealedData }),
  z.strictObject({ clear: PersonalData }),
  z.strictObject({ erased: z.literal(true) }),
]);
export type PersonalDataField = z.infer<typeof PersonalDataField>;
