import { createBlobStore } from "@reimagine/blobs";
import { openEventStore } from "@reimagine/eventstore";
import { runService } from "@reimagine/platform";
import { startGenerationHandler } from "./generation-handler";
import { createImageGenerator } from "./generators/create-image-generator";

await runService("generation-handler", async ({ config, logger, own }) => {
  const store = own(await openEventStore(config, "generation-handler"));
  const blobs = createBlobStore(config);
  await blobs.ensureBuckets([config.S3_BUCKET_GENERATED]);
  const generator = createImageGenerator(config, logger);
  own(await startGenerationHandler({ store, blobs, generator, config, logger }));
  return { checks: { nats: () => store.ping(), blobs: () => blobs.ping() } };
});
