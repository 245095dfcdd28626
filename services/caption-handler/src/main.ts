import { createBlobStore } from "@reimagine/blobs";
import { openEventStore } from "@reimagine/eventstore";
import { runService } from "@reimagine/platform";
import { startCaptionHandler } from "./caption-handler";
import { createCaptioner } from "./captioners/create-captioner";

await runService("caption-handler", async ({ config, logger, own }) => {
  const store = own(await openEventStore(config, "caption-handler"));
  const blobs = createBlobStore(config);
  await blobs.ensureBuckets([config.S3_BUCKET_ORIGINALS]);
  const captioner = createCaptioner(config, logger);
  own(await startCaptionHandler({ store, blobs, captioner, config, logger }));
  return { checks: { nats: () => store.ping(), blobs: () => blobs.ping() } };
});
