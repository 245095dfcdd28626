import type { AiCallOptions, ModelClient } from "@reimagine/inference";

/** An image handed to a captioner: its bytes and their content type. */
export interface ImageInput {
  bytes: Buffer;
  contentType: string;
  /** The upload as a viewer sees it, when `bytes` is a scaled-down copy of it. */
  original?: { width: number; height: number; format: string };
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
