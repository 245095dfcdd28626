import type { ImageContentType } from "@reimagine/contracts";
import type { AiCallOptions, ModelClient } from "@reimagine/inference";

/** A generated image, proven to be one (type and size read from its bytes). */
export interface GeneratedImage {
  bytes: Buffer;
  contentType: ImageContentType;
  width: number;
  height: number;
  model: string;
  provider: string;
  latencyMs: number;
}

/** Turns a prompt into an image. */
export interface ImageGenerator extends ModelClient {
  generate(prompt: string, opts: AiCallOptions): Promise<GeneratedImage>;
}
