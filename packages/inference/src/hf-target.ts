import { type InferenceProviderOrPolicy, PROVIDERS_OR_POLICIES } from "@huggingface/inference";
import { AiError } from "./ai-error";

/** The provider label of a dedicated or self-hosted endpoint (HF_*_ENDPOINT_URL). */
export const ENDPOINT_PROVIDER = "endpoint";

/**
 * Where a stage's calls go: the HF router (model + provider) or an endpoint URL (a dedicated
 * Inference Endpoint, or a self-hosted server speaking the same wire format).
 */
export interface HfTarget {
  /** The label as configured, for start-up logs: e.g. "huggingface:auto" or "endpoint". */
  provider: string;
  /** Routing arguments for InferenceClient; the client refuses a provider next to an endpointUrl. */
  routing: { endpointUrl: string } | { provider: InferenceProviderOrPolicy };
  /** The label that goes into an event: the provider the HF router says served the call, when it says. */
  servedLabel(servedBy: string | null): string;
}

/** Validates HF_PROVIDER (unless an endpoint URL wins) and names the target. */
export function resolveHfTarget(options: { provider: string; endpointUrl?: string }): HfTarget {
  if (options.endpointUrl) {
    return {
      provider: ENDPOINT_PROVIDER,
      routing: { endpointUrl: options.endpointUrl },
      servedLabel: () => ENDPOINT_PROVIDER,
    };
  }
  const provider = options.provider as InferenceProviderOrPolicy;
  if (!PROVIDERS_OR_POLICIES.includes(provider)) {
    throw new AiError({
      code: "AI_CONFIG_INVALID",
      reason: `unknown HF_PROVIDER "${options.provider}" (one of ${PROVIDERS_OR_POLICIES.join(", ")})`,
      retryable: false,
    });
  }
  return {
    provider: `huggingface:${provider}`,
    routing: { provider },
    // a provider name is short and plain; anything else the header might hold is not trusted as one
    servedLabel: (servedBy) =>
      servedBy && /^[a-z0-9][a-z0-9-]{0,62}$/.test(servedBy)
        ? `huggingface:${servedBy}`
        : `huggingface:${provider}`,
  };
}
