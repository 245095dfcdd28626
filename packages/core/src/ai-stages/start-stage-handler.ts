import { OFFLINE_PROVIDER } from "../ai/offline-captioner";
import type { EventHandler } from "../runtime/event-handler";
import { HandlerRuntime } from "../runtime/handler-runtime";
import type { Stoppable } from "../service/lifecycle";
import { runtimeOptionsFrom } from "../service/runtime-options";
import type { StageStartDeps } from "./stage-deps";

/**
 * Runs a stage handler in this process on its durable consumer (HANDLER_CONCURRENCY at a time;
 * instances elsewhere compete for the same messages) and says plainly which AI provider serves it.
 * `service` names the returned Stoppable.
 */
export async function startStageHandler(
  deps: StageStartDeps,
  handler: EventHandler,
  service: string,
  ai: { provider: string; model: string },
): Promise<Stoppable> {
  const logger = deps.logger.child({ handler: handler.name });
  const { provider, model } = ai;
  if (provider === OFFLINE_PROVIDER) {
    logger.warn({ provider, model }, `${service}: OFFLINE demo mode, results are not from a model`);
  } else {
    logger.info({ provider, model }, `${service}: AI provider ${provider}, model ${model}`);
  }
  const runtime = new HandlerRuntime(deps.store, handler, runtimeOptionsFrom(deps.config, logger));
  await runtime.start();
  return { name: service, stop: () => runtime.stop() };
}
