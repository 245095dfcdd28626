import type { Logger } from "../logging/logger";

/**
 * How a dependency looked at start-up: `ok`; `warn` (works, but not as one would want: the offline
 * demo mode, a model in staging); `fail` (a misconfiguration: requests would fail); `unchecked`
 * (could not be checked, e.g. no network to reach the HuggingFace Hub).
 */
export type PreflightStatus = "ok" | "warn" | "fail" | "unchecked";

/** What one check found, in a line a person reads. */
export interface PreflightResult {
  status: PreflightStatus;
  detail: string;
}

/** One dependency to check before the first request needs it. */
export interface PreflightCheck {
  /** What is checked, e.g. "NATS JetStream", "caption model". */
  name: string;
  /** Resolves with what it found; throwing counts as `fail` with the error's message. */
  run(signal: AbortSignal): Promise<PreflightResult>;
}

/** A check's result with its name. */
export type NamedPreflightResult = PreflightResult & { name: string };

/** Runs every check at once, each within `timeoutMs` (its signal aborts then, and it counts as `fail`). */
export async function runPreflight(
  checks: readonly PreflightCheck[],
  timeoutMs = 10_000,
): Promise<NamedPreflightResult[]> {
  return Promise.all(
    checks.map(async (check): Promise<NamedPreflightResult> => {
      const signal = AbortSignal.timeout(timeoutMs);
      const timedOut = new Promise<PreflightResult>((resolve) =>
        signal.addEventListener("abort", () =>
          resolve({ status: "fail", detail: `no answer in ${timeoutMs} ms` }),
        ),
      );
      try {
        return { name: check.name, ...(await Promise.race([check.run(signal), timedOut])) };
      } catch (err) {
        return { name: check.name, status: "fail", detail: reasonOf(err) };
      }
    }),
  );
}

/** The error's message, and its cause's when that says more (a driver's own words: refused, no such role). */
function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause =
    err.cause instanceof Error && err.cause.message !== err.message ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`.replace(/\s*\n\s*/g, " ");
}

/** Logs one line per result: info when ok, warn when it works with a caveat or was not checked, error when it fails. */
export function logPreflight(logger: Logger, results: readonly NamedPreflightResult[]): void {
  for (const { name, status, detail } of results) {
    const level = status === "ok" ? "info" : status === "fail" ? "error" : "warn";
    logger[level]({ preflight: name, status }, `preflight ${status}: ${name}: ${detail}`);
  }
}

/** Runs the checks in the background and logs what they found; never throws, never holds up a start. */
export function startPreflight(checks: readonly PreflightCheck[], logger: Logger, timeoutMs?: number): void {
  runPreflight(checks, timeoutMs).then(
    (results) => logPreflight(logger, results),
    (err: unknown) => logger.error({ err }, "preflight could not run"),
  );
}
