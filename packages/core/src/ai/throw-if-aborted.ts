import { AiError } from "./ai-error";

/** Throws AI_CALL_ABORTED when the caller's signal has fired, as the HF adapters do. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw new AiError({ code: "AI_CALL_ABORTED", reason: "call aborted by caller", retryable: true });
  }
}
