import type { BlobStore } from "@reimagine/blobs";
import type { EventStore, JetStreamEventStore } from "@reimagine/eventstore";
import { announceModel } from "@reimagine/inference";
import type { Config, Logger } from "@reimagine/platform";
import {
  createStageHandler,
  type EventHandler,
  failWith,
  type RunningReactor,
  StageInputError,
  startReactor,
} from "@reimagine/reactor";
import { generatedImageKey } from "./generated-image-key";
import type { ImageGenerator } from "./generators/image-generator";

/** Durable consumer name of the generation stage, shared by all its instances. */
export const GENERATION_HANDLER_NAME = "generation_handler";

/** What the generation stage is built from. */
export interface GenerationHandlerDeps {
  store: EventStore;
  blobs: BlobStore;
  generator: ImageGenerator;
  config: Pick<Config, "S3_BUCKET_GENERATED" | "GENERATION_PROMPT_TEMPLATE">;
}

/** The prompt an image is generated from: the template (GENERATION_PROMPT_TEMPLATE) with `{caption}` filled in. */
function promptFromCaption(template: string, caption: string): string {
  return template.replaceAll("{caption}", caption).trim();
}

/**
 * The generation stage: on CaptionProduced (or an operator's RetryRequested), while generation is
 * due, generates an image from the caption put into the prompt template (the AI layer proves the
 * bytes are an image), stores it
 * in the generated bucket and records ImageGenerated; GenerationFailed when it gives up.
 */
export function createGenerationHandler(deps: GenerationHandlerDeps): EventHandler {
  const { blobs, generator } = deps;
  const bucket = deps.config.S3_BUCKET_GENERATED;
  return createStageHandler({
    name: GENERATION_HANDLER_NAME,
    stage: "generation",
    store: deps.store,
    async perform({ state, run }, ctx) {
      if (!state.caption) throw new StageInputError(`request ${state.requestId} has no caption to draw`);
      const prompt = promptFromCaption(deps.config.GENERATION_PROMPT_TEMPLATE, state.caption);
      const image = await generator.generate(prompt, { signal: ctx.signal });
      const imageKey = generatedImageKey(state.requestId, run, image.contentType);
      await blobs.put(bucket, imageKey, image.bytes, { contentType: image.contentType });
      return {
        imageKey,
        contentType: image.contentType,
        bytes: image.bytes.length,
        width: image.width,
        height: image.height,
        model: image.model,
        provider: image.provider,
        latencyMs: image.latencyMs,
      };
    },
    giveUp: failWith(generator.provider),
    describe: ({ provider, model, latencyMs }) => ({ provider, model, latencyMs }),
    // A result the request did not take (a newer run owns the stage) would be an orphan.
    async discard(data, current) {
      if (current.generatedImageKey !== data.imageKey) await blobs.remove(bucket, data.imageKey);
    },
  });
}

/**
 * Starts a generation-handler instance in this process, competing with other instances for the
 * shared durable consumer. Used by its own main and by the all-in-one process.
 */
export function startGenerationHandler(
  deps: GenerationHandlerDeps & { store: JetStreamEventStore; config: Config; logger: Logger },
): Promise<RunningReactor> {
  announceModel(deps.logger, "generation-handler", deps.generator);
  return startReactor(deps.store, createGenerationHandler(deps), deps);
}
