import { OFFLINE_PROVIDER } from "@reimagine/contracts";
import type { Logger } from "@reimagine/platform";
import { AiError } from "./ai-error";

/** What every model client says of itself: which backend serves it and which model. */
export interface ModelClient {
  readonly provider: string;
  readonly model: string;
}

/** Per-call options of every model client: the caller's signal (shutdown, message deadline). */
export interface AiCallOptions {
  signal: AbortSignal;
}

/** Throws AI_CALL_ABORTED when the caller's signal has fired, as the HF adapters do. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw new AiError({ code: "AI_CALL_ABORTED", reason: "call aborted by caller", retryable: true });
  }
}

/** Says at start-up which model serves a stage; the offline demo mode as a warning, never silently. */
export function announceModel(logger: Logger, service: string, client: ModelClient): void {
  const { provider, model } = client;
  if (provider === OFFLINE_PROVIDER) {
    logger.warn({ provider, model }, `${service}: OFFLINE demo mode, results are not from a model`);
  } else {
    logger.info({ provider, model }, `${service}: AI provider ${provider}, model ${model}`);
  }
}
