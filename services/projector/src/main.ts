import { openEventStore } from "@reimagine/eventstore";
import { runService } from "@reimagine/platform";
import { createDatabase } from "@reimagine/readmodel";
import { startProjector } from "./projector";
import { projectorReadiness } from "./projector-readiness";

await runService("projector", async ({ config, logger, own }) => {
  const database = await createDatabase(config, logger);
  own({ name: "read-model database", stop: () => database.close() });
  logger.info({ database: database.describe() }, "read model ready");
  const store = own(await openEventStore(config, "projector"));
  const projector = own(
    await startProjector({ db: database.db, store, logger, batchSize: config.PROJECTOR_BATCH_SIZE }),
  );
  return projectorReadiness({ db: database.db, store, projector });
});
