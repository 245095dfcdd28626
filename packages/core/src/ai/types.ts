import type { ImageContentType } from "@reimagine/contracts";
/** An image handed to a captioner: its bytes and the content type it was stored with. */
export interface ImageInput {
  bytes: Buffer;
  contentType: string;
}

/** Per-call options: the caller's signal (shutdown, message deadline). */
export interface AiCallOptions {
  signal: AbortSignal;
}

export interface CaptionResult {
  caption: string;
  model: string;
  provider: string;
  latencyMs: number;
}

export type GeneratedContentType = ImageContentType;

export interface GeneratedImage {
  bytes: Buffer;
  contentType: GeneratedContentType;
  width: number;
  height: number;
  model: string;
  provider: string;
  latencyMs: number;
}

/** Turns an image into one descriptive sentence. */
export interface Captioner {
  readonly provider: string;
  readonly model: string;
  caption(image: ImageInput, opts: AiCallOptions): Promise<CaptionResult>;
}

/** Turns a prompt into an image. */
export interface ImageGenerator {
  readonly provider: string;
  readonly model: string;
  generate(prompt: string, opts: AiCallOptions): Promise<GeneratedImage>;
}
