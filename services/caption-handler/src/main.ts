import { blobStoreCheck, createBlobStore } from "@reimagine/blobs";
import { eventStoreCheck, openEventStore } from "@reimagine/eventstore";
import { hfTokenChecks } from "@reimagine/inference";
import { runService } from "@reimagine/platform";
import { startCaptionHandler } from "./caption-handler";
import { captionModelChecks, createCaptioner } from "./captioners/create-captioner";

await runService("caption-handler", async ({ config, logger, own, preflight, dependency }) => {
  const store = own(await dependency("NATS", () => openEventStore(config, "caption-handler", { logger })));
  const blobs = createBlobStore(config);
  await dependency("the blob store", () => blobs.ensureBuckets([config.S3_BUCKET_ORIGINALS]));
  const captioner = createCaptioner(config, logger);
  const reactor = own(await startCaptionHandler({ store, blobs, captioner, config, logger }));
  preflight([
    eventStoreCheck(store),
    blobStoreCheck(blobs),
    ...hfTokenChecks(config),
    ...captionModelChecks(config),
  ]);
  return { checks: { nats: () => store.ping(), consumer: () => reactor.check(), blobs: () => blobs.ping() } };
});
