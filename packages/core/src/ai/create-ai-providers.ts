import type { Config } from "../config";
import type { Logger } from "../logging";
import { createHfCaptioner } from "./hf-captioner";
import { createHfImageGenerator } from "./hf-image-generator";
import { createOfflineCaptioner } from "./offline-captioner";
import { createOfflineImageGenerator } from "./offline-image-generator";
import { tracedCaptioner, tracedImageGenerator } from "./traced-providers";
import type { Captioner, ImageGenerator } from "./types";

export type AiConfig = Pick<
  Config,
  | "HF_TOKEN"
  | "HF_PROVIDER"
  | "HF_CAPTION_MODE"
  | "HF_CAPTION_MODEL"
  | "HF_GENERATION_MODEL"
  | "HF_CAPTION_ENDPOINT_URL"
  | "HF_GENERATION_ENDPOINT_URL"
  | "HF_TIMEOUT_MS"
>;

export interface AiProviders {
  captioner: Captioner;
  generator: ImageGenerator;
}

/**
 * Chooses HuggingFace or the offline demo provider per stage: a token or that stage's endpoint URL
 * means HuggingFace. Offline is announced with a warning so it is never a silent substitute.
 */
export function createAiProviders(config: AiConfig, logger?: Logger): AiProviders {
  const token = config.HF_TOKEN;
  const captioner =
    token || config.HF_CAPTION_ENDPOINT_URL
      ? createHfCaptioner({
          token,
          mode: config.HF_CAPTION_MODE,
          model: config.HF_CAPTION_MODEL,
          provider: config.HF_PROVIDER,
          endpointUrl: config.HF_CAPTION_ENDPOINT_URL,
          timeoutMs: config.HF_TIMEOUT_MS,
          logger,
        })
      : createOfflineCaptioner();
  const generator =
    token || config.HF_GENERATION_ENDPOINT_URL
      ? createHfImageGenerator({
          token,
          model: config.HF_GENERATION_MODEL,
          provider: config.HF_PROVIDER,
          endpointUrl: config.HF_GENERATION_ENDPOINT_URL,
          timeoutMs: config.HF_TIMEOUT_MS,
          logger,
        })
      : createOfflineImageGenerator();

  for (const [stage, p] of [
    ["captioning", captioner],
    ["generation", generator],
  ] as const) {
    if (p.provider === "offline") {
      logger?.warn(
        { stage, provider: p.provider, model: p.model },
        `AI ${stage}: OFFLINE demo mode (no HF_TOKEN nor endpoint URL); results are not from a model`,
      );
    } else {
      logger?.info({ stage, provider: p.provider, model: p.model }, `AI ${stage}: HuggingFace`);
    }
  }
  return { captioner: tracedCaptioner(captioner), generator: tracedImageGenerator(generator) };
}
