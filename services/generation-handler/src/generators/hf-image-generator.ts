import { InferenceClient } from "@huggingface/inference";
import type { AiCallOptions } from "@reimagine/inference";
import { AiError, resolveHfTarget, runHfCall } from "@reimagine/inference";
import type { Logger } from "@reimagine/platform";
import type { GeneratedImage, ImageGenerator } from "./image-generator";
import { sniffImage } from "./sniff-image";

const DEFAULT_GENERATION_MODEL = "black-forest-labs/FLUX.1-schnell";

export interface HfImageGeneratorOptions {
  token?: string;
  model?: string;
  /** HF_PROVIDER ("auto", "hf-inference", "fal-ai", ...); ignored when endpointUrl is set. */
  provider: string;
  endpointUrl?: string;
  timeoutMs: number;
  /** Sent as `parameters` (e.g. width, height, num_inference_steps); omitted when undefined. */
  parameters?: Record<string, unknown>;
  logger?: Logger;
  /** The transport under the client; tests and proxies only. */
  fetch?: typeof fetch;
}

/** An ImageGenerator backed by HuggingFace textToImage; the bytes are checked to be a real image. */
export function createHfImageGenerator(options: HfImageGeneratorOptions): ImageGenerator {
  const target = resolveHfTarget(options);
  const model = options.model ?? DEFAULT_GENERATION_MODEL;
  const client = new InferenceClient(options.token ?? "");
  const secrets = options.token ? [options.token] : [];

  return {
    provider: target.provider,
    model,
    async generate(prompt: string, opts: AiCallOptions): Promise<GeneratedImage> {
      if (prompt.trim() === "") {
        throw new AiError({ reason: "empty prompt", retryable: false });
      }
      const started = performance.now();
      const { value: blob, servedBy } = await runHfCall(
        { signal: opts.signal, timeoutMs: options.timeoutMs, secrets, baseFetch: options.fetch },
        ({ signal, fetch }) => {
          const routing = "endpointUrl" in target.routing ? target.routing : { ...target.routing, model };
          return client.textToImage(
            { ...routing, inputs: prompt, ...(options.parameters ? { parameters: options.parameters } : {}) },
            { retry_on_error: false, signal, fetch, outputType: "blob" },
          );
        },
      );
      const bytes = Buffer.from(await blob.arrayBuffer());
      const image = await sniffImage(bytes, blob.type);
      const latencyMs = Math.round(performance.now() - started);
      const provider = target.servedLabel(servedBy);
      options.logger?.debug({ provider, model, latencyMs, ...image }, "image generated");
      return { bytes, ...image, model, provider, latencyMs };
    },
  };
}
