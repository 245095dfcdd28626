import * as z from "zod";
import { PersonalDataField, WebhookUrl } from "./personal-data";

export const ImageContentType = z.enum(["image/jpeg", "image/png", "image/webp"]);
export type ImageContentType = z.infer<typeof ImageContentType>;

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

const image = {
  originalKey: z.string().min(1).max(1024),
  contentType: ImageContentType,
  bytes: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
};

/**
 * Version 1 (before erasure existed) held the email address in clear text. It is kept so that old
 * logs still read; upcastImageSubmittedV1 turns it into version 2 with the address as `clear`.
 */
export const ImageSubmittedV1 = z.object({ email: z.email().max(254), ...image });

/** A person uploaded a photo; the original is already stored under originalKey. */
export const ImageSubmittedV2 = z.object({
  personal: PersonalDataField,
  ...image,
  // The fields below were added later as optional fields: events written before them still read,
  // and a request without them simply has no webhook and cannot be cancelled.
  /**
   * The submission asked for a webhook, whose URL is sealed with the person's data (`personal`):
   * readers learn that there is one without opening anything, and nothing more.
   */
  webhookSealed: z.literal(true).optional(),
  /**
   * Where the outcome is POSTed, in clear text: only in events written before the URL was sealed
   * (they still read and are still delivered). Never written now; see webhookSealed.
   */
  webhookUrl: WebhookUrl.optional(),
  /** SHA-256 (hex) of the cancel token handed to the submitter; never the token itself. */
  cancelTokenHash: Sha256Hex.optional(),
});
export type ImageSubmitted = z.infer<typeof ImageSubmittedV2>;

/** Whether the request has a webhook: sealed with the person's data, or in clear text (older events). */
export function hasWebhook(data: ImageSubmitted): boolean {
  return data.webhookSealed === true || data.webhookUrl !== undefined;
}

export function upcastImageSubmittedV1({ email, ...rest }: z.infer<typeof ImageSubmittedV1>): ImageSubmitted {
  return { personal: { clear: { email } }, ...rest };
}
