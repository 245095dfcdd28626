import * as z from "zod";
import { ImageContentType } from "./image-submitted";
import { Provider } from "./stage";

/** The new image is stored under imageKey in the generated bucket. */
export const ImageGeneratedV1 = z.object({
  imageKey: z.string().min(1).max(1024),
  contentType: ImageContentType,
  bytes: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  model: z.string().min(1),
  provider: Provider,
  latencyMs: z.number().int().nonnegative(),
});
export type ImageGenerated = z.infer<typeof ImageGeneratedV1>;
