import { InferenceClient } from "@huggingface/inference";
import type { AiCallOptions } from "@reimagine/inference";
import { AiError, resolveHfTarget, runHfCall } from "@reimagine/inference";
import type { Logger } from "@reimagine/platform";
import type { Captioner, CaptionResult, ImageInput } from "./captioner";
import { normalizeCaption } from "./normalize-caption";

type Fetch = typeof globalThis.fetch;

export type CaptionMode = "imageToText" | "chatCompletion";

const DEFAULT_CAPTION_PROMPT =
  "Describe this image in one descriptive sentence of at most 40 words. Reply with the sentence only.";

export interface HfCaptionerOptions {
  /** HF token (or a provider key); without one only an open endpoint URL can work. */
  token?: string;
  mode: CaptionMode;
  model: string;
  /** HF_PROVIDER ("auto", "hf-inference", ...); ignored when endpointUrl is set. */
  provider: string;
  endpointUrl?: string;
  timeoutMs: number;
  /** chatCompletion only. */
  prompt?: string;
  maxTokens?: number;
  logger?: Logger;
  /** The transport under the client; tests and proxies only. */
  fetch?: Fetch;
}

/** A Captioner backed by HuggingFace: imageToText, or a vision chat model asked for one sentence. */
export function createHfCaptioner(options: HfCaptionerOptions): Captioner {
  const target = resolveHfTarget(options);
  const client = new InferenceClient(options.token ?? "");
  const secrets = options.token ? [options.token] : [];

  const viaImageToText = async (image: ImageInput, signal: AbortSignal, fetch: Fetch) => {
    const data = new Blob([new Uint8Array(image.bytes)], { type: image.contentType });
    const args =
      "endpointUrl" in target.routing ? { ...target.routing } : { ...target.routing, model: options.model };
    const output = await client.imageToText({ ...args, data }, { retry_on_error: false, signal, fetch });
    return typeof output.generated_text === "string" ? output.generated_text : "";
  };

  const viaChat = async (image: ImageInput, signal: AbortSignal, fetch: Fetch) => {
    const dataUrl = `data:${image.contentType};base64,${image.bytes.toString("base64")}`;
    const output = await client.chatCompletion(
      {
        ...target.routing,
        model: options.model,
        messages: [
          {
            role: "user",
            content: [
              { type: "image_url", image_url: { url: dataUrl } },
              { type: "text", text: options.prompt ?? DEFAULT_CAPTION_PROMPT },
            ],
          },
        ],
        max_tokens: options.maxTokens ?? 120,
        temperature: 0.2,
      },
      { retry_on_error: false, signal, fetch },
    );
    return textOf(output.choices?.[0]?.message?.content);
  };

  return {
    provider: target.provider,
    model: options.model,
    async caption(image: ImageInput, opts: AiCallOptions): Promise<CaptionResult> {
      const started = performance.now();
      const { value: raw, servedBy } = await runHfCall(
        {
          signal: opts.signal,
          timeoutMs: options.timeoutMs,
          secrets,
          // the image-to-text task only: a chat answer is never such a list (and need not be read twice)
          unwrapGeneratedTextList: options.mode === "imageToText",
          baseFetch: options.fetch,
        },
        ({ signal, fetch }) =>
          options.mode === "chatCompletion"
            ? viaChat(image, signal, fetch)
            : viaImageToText(image, signal, fetch),
      );
      const caption = normalizeCaption(raw);
      const latencyMs = Math.round(performance.now() - started);
      const provider = target.servedLabel(servedBy);
      options.logger?.debug({ provider, model: options.model, latencyMs }, "caption produced");
      return { caption, model: options.model, provider, latencyMs };
    },
  };
}

/** Chat content is a string, or (some providers) a list of typed parts. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part?.text === "string" ? part.text : ""))
      .join(" ")
      .trim();
  }
  if (content == null) return "";
  throw new AiError({ reason: "unexpected response from the model: no text content", retryable: false });
}
