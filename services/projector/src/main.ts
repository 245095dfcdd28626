import { bucketCheck, createBlobStore } from "@reimagine/blobs";
import { eventStoreCheck, openEventStore } from "@reimagine/eventstore";
import { runService } from "@reimagine/platform";
import { createDatabase, databaseCheck } from "@reimagine/readmodel";
import { startProjector } from "./projector";
import { projectorReadiness } from "./projector-readiness";
import { startRetentionSweeper } from "./retention-sweeper";

await runService("projector", async ({ config, logger, own, preflight, dependency }) => {
  const database = await dependency("the read-model database", () => createDatabase(config, logger));
  own({ name: "read-model database", stop: () => database.close() });
  logger.info({ database: database.describe() }, "read model ready");
  const store = own(await dependency("NATS", () => openEventStore(config, "projector", { logger })));
  const projector = own(
    await startProjector({
      db: database.db,
      store,
      logger,
      batchSize: config.PROJECTOR_BATCH_SIZE,
      lingerMs: config.PROJECTOR_LINGER_MS,
    }),
  );
  const checks = [eventStoreCheck(store), databaseCheck(async () => database.db, database.describe())];
  if (config.RETENTION_DAYS !== undefined) {
    // the retention sweep removes expired images from both buckets
    const blobs = createBlobStore(config);
    const buckets = { originals: config.S3_BUCKET_ORIGINALS, generated: config.S3_BUCKET_GENERATED };
    checks.push(bucketCheck(blobs, buckets.originals), bucketCheck(blobs, buckets.generated));
    own(
      await startRetentionSweeper({
        store,
        db: database.db,
        blobs,
        buckets,
        retentionDays: config.RETENTION_DAYS,
        intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
        replicas: config.NATS_REPLICAS,
        logger,
      }),
    );
  }
  preflight(checks);
  return projectorReadiness({ db: database.db, store, projector });
});
