import { createBlobStore } from "@reimagine/blobs";
import { eventStoreCheck, openEventStore } from "@reimagine/eventstore";
import { runService } from "@reimagine/platform";
import { createDatabase, databaseCheck } from "@reimagine/readmodel";
import { startProjector } from "./projector";
import { projectorReadiness } from "./projector-readiness";
import { startRetentionSweeper } from "./retention-sweeper";

await runService("projector", async ({ config, logger, own, preflight }) => {
  const database = await createDatabase(config, logger);
  own({ name: "read-model database", stop: () => database.close() });
  logger.info({ database: database.describe() }, "read model ready");
  const store = own(await openEventStore(config, "projector"));
  const projector = own(
    await startProjector({ db: database.db, store, logger, batchSize: config.PROJECTOR_BATCH_SIZE }),
  );
  preflight([eventStoreCheck(store), databaseCheck(async () => database.db, database.describe())]);
  if (config.RETENTION_DAYS !== undefined) {
    own(
      await startRetentionSweeper({
        store,
        db: database.db,
        blobs: createBlobStore(config),
        buckets: { originals: config.S3_BUCKET_ORIGINALS, generated: config.S3_BUCKET_GENERATED },
        retentionDays: config.RETENTION_DAYS,
        intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
        replicas: config.NATS_REPLICAS,
        logger,
      }),
    );
  }
  return projectorReadiness({ db: database.db, store, projector });
});
