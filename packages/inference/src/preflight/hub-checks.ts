import type { PreflightCheck, PreflightResult } from "@reimagine/platform";
import { errorOf, getWithToken, noAnswer } from "./reach";

/** A Hub task a model must be served for: chat with an image, image captioning, or image generation. */
export type HubTask = "conversational" | "image-to-text" | "text-to-image";

interface Mapping {
  provider: string;
  status: string;
  task: string;
}

/** `HF token`: the Hub says whose token it is (whoami); a wrong or expired token fails every call. */
export function hfTokenCheck(options: { hubUrl: string; token: string }): PreflightCheck {
  const { hubUrl, token } = options;
  return {
    name: "HF token",
    async run(signal): Promise<PreflightResult> {
      if (!token.startsWith("hf_")) {
        return {
          status: "unchecked",
          detail: "not a HuggingFace token (a provider's own key?): only calls can tell",
        };
      }
      let response: Response;
      try {
        response = await getWithToken(`${hubUrl}/api/whoami-v2`, token, signal);
      } catch (err) {
        return noAnswer(err, hubUrl, { offlineOnly: false });
      }
      if (response.status === 401) {
        return {
          status: "fail",
          detail: `the Hub refuses it (HTTP 401${await errorOf(response)}): a new token is needed`,
        };
      }
      if (!response.ok) return { status: "unchecked", detail: `the Hub answered HTTP ${response.status}` };
      const who = (await response.json()) as { name?: string; auth?: { accessToken?: { role?: string } } };
      const role = who.auth?.accessToken?.role;
      return {
        status: "ok",
        detail: `valid, of ${who.name ?? "an unnamed account"}${role ? ` (${role} token)` : ""}`,
      };
    },
  };
}

/**
 * `<label>`: the Hub's model info names a provider that serves `model` for `task` (the one in
 * HF_PROVIDER, or any when it is auto); a model nobody serves fails every request.
 */
export function modelProviderCheck(options: {
  label: string;
  hubUrl: string;
  token?: string;
  model: string;
  task: HubTask;
  /** HF_PROVIDER: "auto" or a provider's name. */
  provider: string;
}): PreflightCheck {
  const { label, hubUrl, token, model, task, provider } = options;
  return {
    name: label,
    async run(signal): Promise<PreflightResult> {
      const url = `${hubUrl}/api/models/${model}?expand[]=inferenceProviderMapping&expand[]=gated`;
      let response: Response;
      try {
        response = await getWithToken(url, token?.startsWith("hf_") ? token : undefined, signal);
      } catch (err) {
        return noAnswer(err, hubUrl, { offlineOnly: false });
      }
      if (response.status === 404) {
        return { status: "fail", detail: `${model}: no such model on the Hub${await errorOf(response)}` };
      }
      if (response.status === 401)
        return { status: "fail", detail: `${model}: the Hub refuses the token (HTTP 401)` };
      if (!response.ok)
        return { status: "unchecked", detail: `${model}: the Hub answered HTTP ${response.status}` };
      const info = (await response.json()) as { inferenceProviderMapping?: unknown; gated?: unknown };
      return judge(model, task, provider, mappingsOf(info.inferenceProviderMapping), info.gated);
    },
  };
}

function judge(
  model: string,
  task: HubTask,
  provider: string,
  mappings: Mapping[],
  gated: unknown,
): PreflightResult {
  const candidates = provider === "auto" ? mappings : mappings.filter((m) => m.provider === provider);
  const serving = candidates.filter((m) => m.task === task);
  const live = serving.filter((m) => m.status === "live");
  const where = provider === "auto" ? "no Inference Provider" : `provider ${provider}`;
  if (serving.length === 0) {
    const others = [...new Set(candidates.map((m) => m.task))];
    const elsewhere =
      provider === "auto"
        ? ""
        : listed(
            " (it is served by ",
            mappings.filter((m) => m.task === task),
            ")",
          );
    const detail = others.length
      ? `${model}: ${where} serves it for ${task}, only for ${others.join(", ")}${elsewhere}`
      : `${model}: ${where} serves it${elsewhere}`;
    return { status: "fail", detail };
  }
  const gate =
    gated && gated !== false ? `; gated (${String(gated)}): the token's account must accept its terms` : "";
  if (live.length === 0) {
    return {
      status: "warn",
      detail: `${model}: only in staging for ${task}${listed(" at ", serving, "")}${gate}`,
    };
  }
  return {
    status: gate ? "warn" : "ok",
    detail: `${model}: served for ${task}${listed(" by ", live, "")}${provider === "auto" ? " (auto picks in your order of preference)" : ""}${gate}`,
  };
}

function listed(before: string, mappings: Mapping[], after: string): string {
  if (mappings.length === 0) return "";
  const names = mappings.map((m) => m.provider);
  const shown = names.length > 6 ? [...names.slice(0, 6), `${names.length - 6} more`] : names;
  return `${before}${shown.join(", ")}${after}`;
}

/** The Hub's mapping as a list, whichever of its two shapes (a list, or an object by provider) it came in. */
function mappingsOf(raw: unknown): Mapping[] {
  const entries: unknown[] = Array.isArray(raw)
    ? raw
    : raw && typeof raw === "object"
      ? Object.entries(raw).map(([provider, m]) => ({ provider, ...(m as object) }))
      : [];
  return entries.flatMap((e) => {
    const m = e as Partial<Mapping>;
    return typeof m.provider === "string" && typeof m.task === "string"
      ? [{ provider: m.provider, task: m.task, status: typeof m.status === "string" ? m.status : "live" }]
      : [];
  });
}
