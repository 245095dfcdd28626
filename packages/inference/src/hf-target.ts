import { type InferenceProviderOrPolicy, PROVIDERS_OR_POLICIES } from "@huggingface/inference";
import { AiError } from "./ai-error";

/** Where a stage's calls go: the HF router (model + provider) or a dedicated Inference Endpoint. */
export interface HfTarget {
  /** The label that goes into events and logs, e.g. "huggingface:auto" or "huggingface:endpoint". */
  provider: string;
  /** Routing arguments for InferenceClient; the client refuses a provider next to an endpointUrl. */
  routing: { endpointUrl: string } | { provider: InferenceProviderOrPolicy };
}

/** Validates HF_PROVIDER (unless an endpoint URL wins) and names the target. */
export function resolveHfTarget(options: { provider: string; endpointUrl?: string }): HfTarget {
  if (options.endpointUrl) {
    return { provider: "huggingface:endpoint", routing: { endpointUrl: options.endpointUrl } };
  }
  const provider = options.provider as InferenceProviderOrPolicy;
  if (!PROVIDERS_OR_POLICIES.includes(provider)) {
    throw new AiError({
      code: "AI_CONFIG_INVALID",
      reason: `unknown HF_PROVIDER "${options.provider}" (one of ${PROVIDERS_OR_POLICIES.join(", ")})`,
      retryable: false,
    });
  }
  return { provider: `huggingface:${provider}`, routing: { provider } };
}
