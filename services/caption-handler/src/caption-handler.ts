import type { BlobStore } from "@reimagine/blobs";
import type { EventStore, JetStreamEventStore } from "@reimagine/eventstore";
import { announceModel } from "@reimagine/inference";
import { type Config, inSpan, type Logger } from "@reimagine/platform";
import {
  createStageHandler,
  type EventHandler,
  failWith,
  type RunningReactor,
  startReactor,
} from "@reimagine/reactor";
import type { Captioner } from "./captioners/captioner";
import { prepareImage } from "./prepare-image";
import { readOriginal } from "./read-original";

/** Durable consumer name of the caption stage, shared by all its instances. */
export const CAPTION_HANDLER_NAME = "caption_handler";

/** What the caption stage is built from. */
export interface CaptionHandlerDeps {
  store: EventStore;
  blobs: BlobStore;
  captioner: Captioner;
  config: Pick<Config, "S3_BUCKET_ORIGINALS" | "CAPTION_MAX_SIDE" | "MAX_IMAGE_PIXELS">;
}

/**
 * The caption stage: on ImageSubmitted (or an operator's RetryRequested), while captioning is due,
 * captions the stored original, scaled down for the model, and records CaptionProduced;
 * CaptionFailed when it gives up, at once when the upload does not decode.
 */
export function createCaptionHandler(deps: CaptionHandlerDeps): EventHandler {
  const { blobs, captioner, config } = deps;
  return createStageHandler({
    name: CAPTION_HANDLER_NAME,
    stage: "caption",
    store: deps.store,
    async perform({ state }, ctx) {
      const original = await readOriginal(blobs, config.S3_BUCKET_ORIGINALS, state);
      const image = await inSpan("image.prepare", { "reimagine.image.bytes": original.bytes.length }, () =>
        prepareImage(original.bytes, {
          maxSide: config.CAPTION_MAX_SIDE,
          maxPixels: config.MAX_IMAGE_PIXELS,
        }),
      );
      ctx.logger.debug(
        {
          original: image.original,
          sent: { width: image.width, height: image.height },
          resized: image.resized,
        },
        "image prepared for the caption model",
      );
      const { caption, model, provider, latencyMs } = await captioner.caption(image, { signal: ctx.signal });
      return { caption, model, provider, latencyMs };
    },
    giveUp: failWith(captioner.provider),
    describe: ({ provider, model, latencyMs }) => ({ provider, model, latencyMs }),
  });
}

/**
 * Starts a caption-handler instance in this process, competing with other instances for the shared
 * durable consumer. Used by its own main and by the all-in-one process.
 */
export function startCaptionHandler(
  deps: CaptionHandlerDeps & { store: JetStreamEventStore; config: Config; logger: Logger },
): Promise<RunningReactor> {
  announceModel(deps.logger, "caption-handler", deps.captioner);
  return startReactor(deps.store, createCaptionHandler(deps), deps);
}
