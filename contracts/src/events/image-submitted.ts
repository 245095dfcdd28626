import { z } from "zod";

export const ImageContentType = z.enum(["image/jpeg", "image/png", "image/webp"]);
export type ImageContentType = z.infer<typeof ImageContentType>;

/** A person uploaded a photo; the original is already stored under originalKey. */
export const ImageSubmittedV1 = z.object({
  email: z.email().max(254),
  originalKey: z.string().min(1).max(1024),
  contentType: ImageContentType,
  bytes: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ImageSubmitted = z.infer<typeof ImageSubmittedV1>;
