import { bucketCheck, createBlobStore } from "@reimagine/blobs";
import { eventStoreCheck, openEventStore } from "@reimagine/eventstore";
import { runService } from "@reimagine/platform";
import { databaseCheck } from "@reimagine/readmodel";
import { openVault } from "@reimagine/vault";
import { startCommandApi } from "./app/start-command-api";
import { openIdempotencyStore } from "./idempotency/idempotency-store";
import { lazyReadModel } from "./status/reconnecting-reader";

// The API serves its own /healthz and /readyz on PORT, so it reports no readiness here.
await runService("command-api", async ({ config, logger, own, preflight, dependency }) => {
  const blobs = createBlobStore(config);
  const store = own(await dependency("NATS", () => openEventStore(config, "command-api", { logger })));
  const idempotency = await dependency("NATS", () => openIdempotencyStore(store, config));
  await dependency("the blob store", () =>
    blobs.ensureBuckets([config.S3_BUCKET_ORIGINALS, config.S3_BUCKET_GENERATED]),
  );
  const vault = await dependency("NATS", () => openVault(store, { replicas: config.NATS_REPLICAS }));
  const readModel = own(lazyReadModel(config, logger));
  own(
    await startCommandApi(
      {
        config,
        store,
        blobs,
        vault,
        reader: readModel.reader,
        readModel: readModel.admin,
        idempotency,
        logger,
      },
      { port: config.PORT, host: config.HOST, graceMs: config.SHUTDOWN_GRACE_MS },
    ),
  );
  preflight([
    eventStoreCheck(store),
    bucketCheck(blobs, config.S3_BUCKET_ORIGINALS),
    databaseCheck(() => readModel.admin.db(), "the read model"),
  ]);
  return undefined;
});
