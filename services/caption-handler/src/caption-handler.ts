import type { Captioner } from "@reimagine/core/ai";
import {
  createStageHandler,
  type StageHandlerDeps,
  type StageStartDeps,
  startStageHandler,
} from "@reimagine/core/ai-stages";
import type { Config } from "@reimagine/core/config";
import type { EventHandler } from "@reimagine/core/runtime";
import type { Stoppable } from "@reimagine/core/service";
import { readOriginal } from "./read-original";

/** Durable consumer name of the caption stage, shared by all its instances. */
export const CAPTION_HANDLER_NAME = "caption_handler";

export interface CaptionHandlerDeps extends StageHandlerDeps {
  captioner: Captioner;
  config: Pick<Config, "S3_BUCKET_ORIGINALS">;
}

/**
 * The caption stage: on ImageSubmitted (or an operator's RetryRequested), while captioning is due,
 * captions the stored original and records CaptionProduced; CaptionFailed when it gives up.
 */
export function createCaptionHandler(deps: CaptionHandlerDeps): EventHandler {
  const { blobs, captioner, config } = deps;
  return createStageHandler({
    name: CAPTION_HANDLER_NAME,
    stage: "caption",
    store: deps.store,
    provider: captioner.provider,
    async perform({ state }, ctx) {
      const original = await readOriginal(blobs, config.S3_BUCKET_ORIGINALS, state);
      const { caption, model, provider, latencyMs } = await captioner.caption(original, {
        signal: ctx.signal,
      });
      return { caption, model, provider, latencyMs };
    },
  });
}

/**
 * Starts a caption-handler instance in this process, competing with other instances for the shared
 * durable consumer. Used by its own main and by the all-in-one process.
 */
export function startCaptionHandler(deps: CaptionHandlerDeps & StageStartDeps): Promise<Stoppable> {
  return startStageHandler(deps, createCaptionHandler(deps), "caption-handler", deps.captioner);
}
