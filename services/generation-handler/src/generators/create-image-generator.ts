import { stageModelChecks } from "@reimagine/inference";
import { type Config, inSpan, type Logger, type PreflightCheck } from "@reimagine/platform";
import { createHfImageGenerator } from "./hf-image-generator";
import type { ImageGenerator } from "./image-generator";
import { createOfflineImageGenerator } from "./offline-image-generator";

/** The settings that choose and tune the image generator. */
export type ImageGeneratorConfig = Pick<
  Config,
  | "HF_TOKEN"
  | "HF_PROVIDER"
  | "HF_HUB_URL"
  | "HF_GENERATION_MODEL"
  | "HF_GENERATION_ENDPOINT_URL"
  | "HF_TIMEOUT_MS"
  | "HF_GENERATION_WIDTH"
  | "HF_GENERATION_HEIGHT"
  | "HF_GENERATION_STEPS"
  | "HF_GENERATION_GUIDANCE"
  | "HF_GENERATION_SEED"
  | "HF_GENERATION_NEGATIVE_PROMPT"
>;

/** The preflight of the generation model: its endpoint answers, or a provider serves it for text-to-image. */
export function generationModelChecks(config: ImageGeneratorConfig): PreflightCheck[] {
  return stageModelChecks(
    {
      label: "generation model",
      model: config.HF_GENERATION_MODEL,
      task: "text-to-image",
      endpointKind: "textToImage",
      endpointUrl: config.HF_GENERATION_ENDPOINT_URL,
    },
    config,
  );
}

/**
 * The text-to-image `parameters` from the configuration, in HuggingFace's names (the client maps
 * them for each provider); the unset ones are left out, so the provider's defaults for the model apply.
 */
export function generationParameters(
  config: ImageGeneratorConfig,
): Record<string, string | number> | undefined {
  const parameters = Object.entries({
    width: config.HF_GENERATION_WIDTH,
    height: config.HF_GENERATION_HEIGHT,
    num_inference_steps: config.HF_GENERATION_STEPS,
    guidance_scale: config.HF_GENERATION_GUIDANCE,
    seed: config.HF_GENERATION_SEED,
    negative_prompt: config.HF_GENERATION_NEGATIVE_PROMPT,
  }).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  return parameters.length > 0 ? Object.fromEntries(parameters) : undefined;
}

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
          parameters: generationParameters(config),
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
