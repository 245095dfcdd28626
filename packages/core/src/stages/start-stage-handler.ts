import { OFFLINE_PROVIDER } from "../ai/offline-captioner";
import type { Config } from "../config";
import type { JetStreamEventStore } from "../eventstore/jetstream-event-store";
import type { Logger } from "../logging";
import type { EventHandler } from "../runtime/event-handler";
import { HandlerRuntime } from "../runtime/handler-runtime";
import type { Stoppable } from "../service/lifecycle";
import { runtimeOptionsFrom } from "../service/runtime-options";

export interface StartStageHandlerOptions {
  /** The service name: the Stoppable's name and the logger's `service`. */
  service: string;
  config: Config;
  logger: Logger;
  /** The model client of the stage, named in the start-up log. */
  ai: { provider: string; model: string };
}

/**
 * Runs a stage handler on its durable consumer (HANDLER_CONCURRENCY at a time; instances in other
 * processes compete for the same messages) and says plainly which AI provider serves it.
 */
export async function startStageHandler(
  store: JetStreamEventStore,
  handler: EventHandler,
  options: StartStageHandlerOptions,
): Promise<Stoppable> {
  const logger = options.logger.child({ handler: handler.name });
  const { provider, model } = options.ai;
  if (provider === OFFLINE_PROVIDER) {
    logger.warn({ provider, model }, `${options.service}: OFFLINE demo mode, results are not from a model`);
  } else {
    logger.info({ provider, model }, `${options.service}: AI provider ${provider}, model ${model}`);
  }
  const runtime = new HandlerRuntime(store, handler, runtimeOptionsFrom(options.config, logger));
  await runtime.start();
  return { name: options.service, stop: () => runtime.stop() };
}
