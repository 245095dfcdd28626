// Calling model servers (HuggingFace Inference Providers, dedicated endpoints): where a call goes,
// its deadlines, and what its failure means (retry when, or give up with a safe reason).
export { AiError, type AiErrorCode, type AiErrorDetails, isAiError } from "./ai-error";
export { type CallContext, classifyError } from "./classify-error";
export { ENDPOINT_PROVIDER, type HfTarget, resolveHfTarget } from "./hf-target";
export {
  type AiCallOptions,
  announceModel,
  loadSharp,
  type ModelClient,
  proveDecodes,
  throwIfAborted,
} from "./model-client";
export { parseRetryAfter } from "./parse-retry-after";
export { type EndpointKind, endpointCheck, modelsUrl } from "./preflight/endpoint-check";
export { type HubTask, hfTokenCheck, modelProviderCheck } from "./preflight/hub-checks";
export {
  type HfSettings,
  hfTokenChecks,
  type StageModel,
  stageModelChecks,
} from "./preflight/model-preflight";
export { type HfCallOptions, type HfCallResult, type HfCallScope, runHfCall } from "./run-hf-call";
