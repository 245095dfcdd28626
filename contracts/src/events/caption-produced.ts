import * as z from "zod";
import { Provider } from "./stage";

/**
 * Version 1 (the first release) only knew HuggingFace's serverless API and called the text `text`.
 * It is kept so that old logs still read; upcastCaptionProducedV1 turns it into version 2.
 */
export const CaptionProducedV1 = z.object({
  text: z.string().min(1),
  model: z.string().min(1),
});

export const CaptionProducedV2 = z.object({
  caption: z.string().min(1).max(1000),
  model: z.string().min(1),
  provider: Provider,
  /** null only for events upcast from version 1, which did not measure it. */
  latencyMs: z.number().int().nonnegative().nullable(),
});
export type CaptionProduced = z.infer<typeof CaptionProducedV2>;

export function upcastCaptionProducedV1(v1: z.infer<typeof CaptionProducedV1>): CaptionProduced {
  return { caption: v1.text, model: v1.model, provider: "hf-inference", latencyMs: null };
}
