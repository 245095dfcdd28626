import { createBlobStore } from "@reimagine/core/blobs";
import { loadConfig } from "@reimagine/core/config";
import { createLogger } from "@reimagine/core/logging";
import { createDatabase, PostgresRequestStateReader } from "@reimagine/core/readmodel";
import { openEventStore, stopOnSignals } from "@reimagine/core/service";
import { startServiceTelemetry } from "@reimagine/core/telemetry";
import { startCommandApi } from "./app/start-command-api";
import { openIdempotencyStore } from "./idempotency/open-idempotency-store";
import { ReconnectingReader } from "./status/reconnecting-reader";

const config = loadConfig();
const logger = createLogger({ service: "command-api", level: config.LOG_LEVEL });

async function main() {
  const telemetry = startServiceTelemetry(config, "command-api");
  const blobs = createBlobStore(config);
  const store = await openEventStore(config, "command-api");
  const idempotency = await openIdempotencyStore(store, config);
  // Opened on first use: submissions never wait for Postgres, and the projector owns migrations.
  const reader = new ReconnectingReader(
    async () => {
      const database = await createDatabase(config, logger, { migrate: false });
      logger.info({ database: database.describe() }, "read model connected");
      return {
        reader: new PostgresRequestStateReader(database.db),
        db: database.db,
        close: () => database.close(),
      };
    },
    { logger },
  );
  const api = await startCommandApi(
    {
      config,
      store,
      blobs,
      reader,
      // The admin API shares the same lazily opened pool.
      readModel: { db: async () => (await reader.opened()).db },
      idempotency,
      logger,
    },
    { port: config.PORT, host: config.HOST, graceMs: config.SHUTDOWN_GRACE_MS },
  );
  stopOnSignals(
    [
      telemetry,
      { name: "read model", stop: () => reader.close() },
      { name: "nats", stop: () => store.nc.drain() },
      api,
    ],
    logger,
  );
}

main().catch((err) => {
  logger.fatal({ err }, "command API failed to start");
  process.exit(1);
});
