import { loadConfig } from "@reimagine/core/config";
import { createLogger } from "@reimagine/core/logging";
import { createDatabase } from "@reimagine/core/readmodel";
import { openEventStore, startHealthServer, stopOnSignals } from "@reimagine/core/service";
import { startServiceTelemetry } from "@reimagine/core/telemetry";
import { startProjector } from "./projector";
import { projectorReadiness } from "./projector-readiness";

const config = loadConfig();
const logger = createLogger({ service: "projector", level: config.LOG_LEVEL });

async function main() {
  // Telemetry first: the lag gauge registers against the meter provider that exists at start.
  const telemetry = startServiceTelemetry(config, "projector");
  const database = await createDatabase(config, logger);
  logger.info({ database: database.describe() }, "read model ready");
  const store = await openEventStore(config, "projector");
  const projector = await startProjector({
    db: database.db,
    store,
    logger,
    batchSize: config.PROJECTOR_BATCH_SIZE,
  });
  const health = startHealthServer({
    port: config.HEALTH_PORT,
    host: config.HOST,
    logger,
    ...projectorReadiness({ db: database.db, store, projector }),
  });
  stopOnSignals(
    [
      telemetry,
      { name: "read-model database", stop: () => database.close() },
      { name: "nats", stop: () => store.nc.drain() },
      { name: "projector", stop: () => projector.stop() },
      health,
    ],
    logger,
  );
}

main().catch((err) => {
  logger.fatal({ err }, "projector failed to start");
  process.exit(1);
});
