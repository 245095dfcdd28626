import type { Config } from "../config";
import type { Logger } from "../logging";
import type { HandlerRuntimeOptions } from "../runtime/handler-runtime";

/** Handler runtime options from the configuration, so every reactor is tuned the same way. */
export function runtimeOptionsFrom(config: Config, logger: Logger): HandlerRuntimeOptions {
  return {
    concurrency: config.HANDLER_CONCURRENCY,
    maxAttempts: config.HANDLER_MAX_ATTEMPTS,
    ackWaitMs: config.HANDLER_ACK_WAIT_MS,
    backoff: { baseMs: config.HANDLER_BACKOFF_BASE_MS, maxMs: config.HANDLER_BACKOFF_MAX_MS },
    graceMs: config.SHUTDOWN_GRACE_MS,
    logger,
  };
}
