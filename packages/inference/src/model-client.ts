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

// The images a model gets (caption) and gives back (generation) are decoded by sharp (libvips).
type Sharp = typeof import("sharp");

let loading: Promise<Sharp> | undefined;

/**
 * sharp, loaded with the first image rather than at start (libvips is ~20 MB of a process's
 * memory), with its operation cache off (each image is decoded once; libvips would keep up to
 * 50 MB of results) and one libvips thread per image (a handler works on several images at once
 * already, so more threads add memory, not throughput).
 */
export function loadSharp(): Promise<Sharp> {
  loading ??= import("sharp").then(({ default: sharp }) => {
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return loading;
}
