import { stageModelChecks } from "@reimagine/inference";
import { type Config, inSpan, type Logger, type PreflightCheck } from "@reimagine/platform";
import type { Captioner } from "./captioner";
import { createHfCaptioner } from "./hf-captioner";
import { createOfflineCaptioner } from "./offline-captioner";

/** The settings that choose and tune the captioner. */
export type CaptionerConfig = Pick<
  Config,
  | "HF_TOKEN"
  | "HF_PROVIDER"
  | "HF_HUB_URL"
  | "HF_CAPTION_MODE"
  | "HF_CAPTION_MODEL"
  | "HF_CAPTION_ENDPOINT_URL"
  | "HF_TIMEOUT_MS"
>;

/**
 * The preflight of the caption model: its endpoint answers (OpenAI-style chat or HF image-to-text,
 * by HF_CAPTION_MODE), or a provider serves it for that task; the offline demo mode as a warning.
 */
export function captionModelChecks(config: CaptionerConfig): PreflightCheck[] {
  const chat = config.HF_CAPTION_MODE === "chatCompletion";
  return stageModelChecks(
    {
      label: "caption model",
      model: config.HF_CAPTION_MODEL,
      task: chat ? "conversational" : "image-to-text",
      endpointKind: chat ? "chat" : "imageToText",
      endpointUrl: config.HF_CAPTION_ENDPOINT_URL,
    },
    config,
  );
}

/**
 * HuggingFace when there is a token or a caption endpoint URL, else the labelled offline demo
 * captioner; either way with a client span around every call.
 */
export function createCaptioner(config: CaptionerConfig, logger?: Logger): Captioner {
  const inner =
    config.HF_TOKEN || config.HF_CAPTION_ENDPOINT_URL
      ? createHfCaptioner({
          token: config.HF_TOKEN,
          mode: config.HF_CAPTION_MODE,
          model: config.HF_CAPTION_MODEL,
          provider: config.HF_PROVIDER,
          endpointUrl: config.HF_CAPTION_ENDPOINT_URL,
          timeoutMs: config.HF_TIMEOUT_MS,
          logger,
        })
      : createOfflineCaptioner();
  return {
    provider: inner.provider,
    model: inner.model,
    caption: (image, opts) =>
      inSpan(
        "ai.caption",
        {
          "gen_ai.system": inner.provider,
          "gen_ai.request.model": inner.model,
          "reimagine.image.bytes": image.bytes.length,
        },
        () => inner.caption(image, opts),
      ),
  };
}
