import type { PreflightCheck, PreflightResult } from "@reimagine/platform";
import { getWithToken, noAnswer } from "./reach";

/** What an endpoint URL speaks: OpenAI-style chat (a vision chat model), or HF's image-to-text or text-to-image. */
export type EndpointKind = "chat" | "imageToText" | "textToImage";

/**
 * `<label>`: the endpoint answers, and does not refuse the token. An OpenAI-compatible chat server
 * (Ollama, vLLM, LM Studio, TGI) is asked for its models (`GET …/v1/models`), which also says
 * whether it serves the configured model; an HF-format endpoint only takes POSTs, so any answer
 * to a GET short of 401/403 shows it is there.
 */
export function endpointCheck(options: {
  label: string;
  url: string;
  kind: EndpointKind;
  model: string;
  token?: string;
}): PreflightCheck {
  const { label, url, kind, model, token } = options;
  const where = new URL(url).host;
  return {
    name: label,
    async run(signal): Promise<PreflightResult> {
      const probe = kind === "chat" ? modelsUrl(url) : url;
      let response: Response;
      try {
        response = await getWithToken(probe, token, signal);
      } catch (err) {
        return noAnswer(err, `the endpoint at ${where}`, { offlineOnly: true });
      }
      const status = response.status;
      if (status === 401 || status === 403) {
        return { status: "fail", detail: `the endpoint at ${where} refuses the token (HTTP ${status})` };
      }
      if (status >= 500) {
        return {
          status: "warn",
          detail: `the endpoint at ${where} answers HTTP ${status} (loading, or scaled to zero?)`,
        };
      }
      if (kind !== "chat" || !response.ok) {
        return {
          status: "ok",
          detail: `the endpoint at ${where} answers (HTTP ${status} to a GET; calls are POSTs)`,
        };
      }
      const listed = await modelIds(response);
      if (listed === null || listed.includes(model)) {
        return {
          status: "ok",
          detail: `the endpoint at ${where} answers${listed ? ` and serves ${model}` : ""}`,
        };
      }
      return {
        status: "warn",
        detail: `the endpoint at ${where} answers, but does not list ${model} (it lists: ${listed.slice(0, 6).join(", ") || "nothing"})`,
      };
    },
  };
}

/** Where an OpenAI-compatible server lists its models, from the URL the chat calls go to (as the HF client builds it). */
export function modelsUrl(chatUrl: string): string {
  const base = chatUrl.replace(/\/+$/, "");
  if (base.endsWith("/chat/completions")) return `${base.slice(0, -"/chat/completions".length)}/models`;
  if (base.endsWith("/v1")) return `${base}/models`;
  return `${base}/v1/models`;
}

async function modelIds(response: Response): Promise<string[] | null> {
  const body = (await response.json().catch(() => null)) as { data?: unknown } | null;
  if (!Array.isArray(body?.data)) return null;
  return body.data.flatMap((m: { id?: unknown }) => (typeof m?.id === "string" ? [m.id] : []));
}
