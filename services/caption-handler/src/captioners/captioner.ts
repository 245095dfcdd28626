import type { AiCallOptions, ModelClient } from "@reimagine/inference";

/** An image handed to a captioner: its bytes and the content type it was stored with. */
export interface ImageInput {
  bytes: Buffer;
  contentType: string;
}

/** What a captioner returns, recorded in CaptionProduced. */
export interface CaptionResult {
  caption: string;
  model: string;
  provider: string;
  latencyMs: number;
}

/** Turns an image into one descriptive sentence. */
export interface Captioner extends ModelClient {
  caption(image: ImageInput, opts: AiCallOptions): Promise<CaptionResult>;
}
