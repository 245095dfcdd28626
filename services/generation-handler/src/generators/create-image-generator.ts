import { type Config, inSpan, type Logger } from "@reimagine/platform";
import { createHfImageGenerator } from "./hf-image-generator";
import type { ImageGenerator } from "./image-generator";
import { createOfflineImageGenerator } from "./offline-image-generator";

/** The settings that choose and tune the image generator. */
export type ImageGeneratorConfig = Pick<
  Config,
  "HF_TOKEN" | "HF_PROVIDER" | "HF_GENERATION_MODEL" | "HF_GENERATION_ENDPOINT_URL" | "HF_TIMEOUT_MS"
>;

/**
 * HuggingFace when there is a token or a generation endpoint URL, else the labelled offline demo
 * renderer; either way with a client span around every call.
 */
export function createImageGenerator(config: ImageGeneratorConfig, logger?: Logger): ImageGenerator {
  const inner =
    config.HF_TOKEN || config.HF_GENERATION_ENDPOINT_URL
      ? createHfImageGenerator({
          token: config.HF_TOKEN,
          model: config.HF_GENERATION_MODEL,
          provider: config.HF_PROVIDER,
          endpointUrl: config.HF_GENERATION_ENDPOINT_URL,
          timeoutMs: config.HF_TIMEOUT_MS,
          logger,
        })
      : createOfflineImageGenerator();
  return {
    provider: inner.provider,
    model: inner.model,
    generate: (prompt, opts) =>
      inSpan("ai.generate", { "gen_ai.system": inner.provider, "gen_ai.request.model": inner.model }, () =>
        inner.generate(prompt, opts),
      ),
  };
}
