import { type AiProviders, createAiProviders } from "../ai/create-ai-providers";
import type { BlobStore } from "../blobs/blob-store";
import { createBlobStore } from "../blobs/create-blob-store";
import type { Config } from "../config";
import type { JetStreamEventStore } from "../eventstore/jetstream-event-store";
import { createLogger, type Logger } from "../logging";
import { startHealthServer } from "../service/health-server";
import { type Stoppable, stopOnSignals } from "../service/lifecycle";
import { openEventStore } from "../service/open-event-store";
import { startServiceTelemetry } from "../telemetry/start-telemetry";

/** What an AI stage needs, opened once per process (the all-in-one passes its own). */
export interface StageWorkerDeps {
  store: JetStreamEventStore;
  blobs: BlobStore;
  ai: AiProviders;
  config: Config;
  logger: Logger;
}

/**
 * The process of one AI stage started on its own: telemetry, event store, blob store (buckets
 * ensured), AI providers, probes on HEALTH_PORT (NATS and blob store), the handler, and a graceful
 * stop on SIGTERM/SIGINT. Both stage services are wired exactly alike, so the wiring lives here once.
 */
export async function runStageWorker(
  service: string,
  config: Config,
  start: (deps: StageWorkerDeps) => Promise<Stoppable>,
): Promise<void> {
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const parts: Stoppable[] = [];
  // Registered first so a signal during start-up still stops what has started (in reverse order).
  const shutdown = stopOnSignals(parts, logger);
  try {
    parts.push(startServiceTelemetry(config, service));
    const store = await openEventStore(config, service);
    parts.push({ name: "nats connection", stop: () => store.nc.close() });
    const blobs = createBlobStore(config);
    await blobs.ensureBuckets([config.S3_BUCKET_ORIGINALS, config.S3_BUCKET_GENERATED]);
    logger.info({ blobs: blobs.describe() }, "blob store ready");
    parts.push(
      startHealthServer({
        port: config.HEALTH_PORT,
        host: config.HOST,
        logger,
        checks: {
          nats: async () => void (await store.headPosition()),
          blobs: () => blobs.ping(),
        },
      }),
    );
    // Without the logger: it would announce both stages' providers; startStageHandler names this one.
    const ai = createAiProviders(config);
    parts.push(await start({ store, blobs, ai, config, logger }));
  } catch (err) {
    logger.fatal({ err }, `${service} could not start`);
    await shutdown();
    process.exit(1);
  }
}
