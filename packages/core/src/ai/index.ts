export { AiError, type AiErrorCode, type AiErrorDetails, isAiError } from "./ai-error";
export { type CallContext, classifyError } from "./classify-error";
export { type AiConfig, type AiProviders, createAiProviders } from "./create-ai-providers";
export {
  type CaptionMode,
  createHfCaptioner,
  DEFAULT_CAPTION_PROMPT,
  type HfCaptionerOptions,
} from "./hf-captioner";
export {
  createHfImageGenerator,
  DEFAULT_GENERATION_MODEL,
  type HfImageGeneratorOptions,
} from "./hf-image-generator";
export { MAX_CAPTION_LENGTH, normalizeCaption } from "./normalize-caption";
export { createOfflineCaptioner, OFFLINE_CAPTION_MODEL, OFFLINE_PROVIDER } from "./offline-captioner";
export { createOfflineImageGenerator, OFFLINE_GENERATION_MODEL } from "./offline-image-generator";
export { parseRetryAfter } from "./parse-retry-after";
export { type SniffedImage, sniffImage } from "./sniff-image";
export type {
  AiCallOptions,
  Captioner,
  CaptionResult,
  GeneratedContentType,
  GeneratedImage,
  ImageGenerator,
  ImageInput,
} from "./types";
