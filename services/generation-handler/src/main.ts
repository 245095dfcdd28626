import { bucketCheck, createBlobStore } from "@reimagine/blobs";
import { eventStoreCheck, openEventStore } from "@reimagine/eventstore";
import { hfTokenChecks } from "@reimagine/inference";
import { runService } from "@reimagine/platform";
import { startGenerationHandler } from "./generation-handler";
import { createImageGenerator, generationModelChecks } from "./generators/create-image-generator";

await runService("generation-handler", async ({ config, logger, own, preflight, dependency }) => {
  const store = own(await dependency("NATS", () => openEventStore(config, "generation-handler", { logger })));
  const blobs = createBlobStore(config);
  await dependency("the blob store", () => blobs.ensureBuckets([config.S3_BUCKET_GENERATED]));
  const generator = createImageGenerator(config, logger);
  const reactor = own(await startGenerationHandler({ store, blobs, generator, config, logger }));
  preflight([
    eventStoreCheck(store),
    bucketCheck(blobs, config.S3_BUCKET_GENERATED),
    ...hfTokenChecks(config),
    ...generationModelChecks(config),
  ]);
  return { checks: { nats: () => store.ping(), consumer: () => reactor.check(), blobs: () => blobs.ping() } };
});
