import type { PreflightResult } from "@reimagine/platform";
import { networkCodeOf } from "../classify-error";

// No route, no name resolution: this machine is offline (or the name is wrong); nothing was checked.
const OFFLINE_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

/** A GET (JSON accepted) with the caller's signal and, when there is one, the bearer token. */
export function getWithToken(url: string, token: string | undefined, signal: AbortSignal): Promise<Response> {
  return fetch(url, {
    headers: { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal,
  });
}

/**
 * What a request that got no HTTP answer means for a check: `unchecked` when this machine cannot
 * reach the host at all (offline) or `offlineOnly` is false (the Hub: nothing is known then),
 * `fail` when the host is reachable but refuses or does not answer (an endpoint that is down).
 */
export function noAnswer(err: unknown, what: string, options: { offlineOnly: boolean }): PreflightResult {
  const code = networkCodeOf(err);
  const why =
    code ?? (err instanceof Error && err.name === "TimeoutError" ? "no answer in time" : "no answer");
  if ((code && OFFLINE_CODES.has(code)) || !options.offlineOnly) {
    return { status: "unchecked", detail: `could not reach ${what} (${why}): no network here?` };
  }
  return { status: "fail", detail: `${what} is not reachable (${why})` };
}

/** The `error` (or `message`) of a JSON error body, if any, cut to one short line. */
export async function errorOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: unknown; message?: unknown } | null;
  const message =
    typeof body?.error === "string" ? body.error : typeof body?.message === "string" ? body.message : "";
  const line = message.replace(/\s+/g, " ").trim();
  return line ? `: ${line.length > 120 ? `${line.slice(0, 119)}…` : line}` : "";
}
