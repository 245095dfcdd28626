import type { JetStreamEventStore } from "@reimagine/eventstore";
import type { Config, Logger, Stoppable } from "@reimagine/platform";
import type { EventHandler } from "./event-handler";
import { HandlerRuntime, type HandlerRuntimeOptions } from "./handler-runtime";

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

/** A reactor running in this process. */
export interface RunningReactor extends Stoppable {
  /** A readiness check: rejects while its consumers cannot deliver (see HandlerRuntime.health). */
  check(): Promise<void>;
}

/**
 * Runs a handler in this process on its durable consumer (HANDLER_CONCURRENCY at a time; instances
 * elsewhere compete for the same messages). stop() lets in-flight work finish within the grace
 * period and hands the rest back.
 */
export async function startReactor(
  store: JetStreamEventStore,
  handler: EventHandler,
  deps: { config: Config; logger: Logger },
): Promise<RunningReactor> {
  const runtime = new HandlerRuntime(store, handler, runtimeOptionsFrom(deps.config, deps.logger));
  await runtime.start();
  return {
    name: handler.name,
    stop: () => runtime.stop(),
    async check() {
      const why = runtime.health();
      if (why) throw new Error(why);
    },
  };
}
