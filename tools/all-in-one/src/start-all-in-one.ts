import { setTimeout as sleep } from "node:timers/promises";
import { bucketCheck, createBlobStore } from "@reimagine/blobs";
import { captionModelChecks, createCaptioner, startCaptionHandler } from "@reimagine/caption-handler";
import { openIdempotencyStore, startCommandApi } from "@reimagine/command-api";
import { ROUTES } from "@reimagine/contracts";
import { eventStoreCheck, openEventStore } from "@reimagine/eventstore";
import {
  createImageGenerator,
  generationModelChecks,
  startGenerationHandler,
} from "@reimagine/generation-handler";
import { hfTokenChecks } from "@reimagine/inference";
import { createMailTransport, mailCheck, startNotifier, startWebhooks } from "@reimagine/notifier";
import type { Config, Logger, PreflightCheck, Stoppable } from "@reimagine/platform";
import { startProjector, startRetentionSweeper } from "@reimagine/projector";
import {
  createDatabase,
  databaseCheck,
  openWhenReachable,
  type PendingReadModel,
  PostgresRequestStateReader,
  type ReadModelDatabase,
} from "@reimagine/readmodel";
import { openVault } from "@reimagine/vault";
import { ensureNats } from "./embedded-nats";

/** How long the banner waits for the read model before it says "waiting". */
const BANNER_WAIT_MS = 3000;

/** A running all-in-one: where it listens, what it connected to, and how to stop it all. */
export interface AllInOne {
  url: string;
  /** Where the admin API listens (ADMIN_HOST:ADMIN_PORT), null without ADMIN_TOKEN. */
  adminUrl: string | null;
  /** One line per dependency: what was connected to or started. */
  summary: { part: string; detail: string }[];
  /** What the five services depend on, to check once they run (see runService's preflight). */
  preflight: PreflightCheck[];
  /** Stops in reverse order of start: API first, NATS last. */
  parts: Stoppable[];
  stop(): Promise<void>;
}

/**
 * Starts all five services in this process on one NATS connection, with the embedded defaults
 * for whatever is not configured (see README, Configuration).
 */
export async function startAllInOne(base: Config, logger: Logger): Promise<AllInOne> {
  const parts: Stoppable[] = [];
  const stop = async () => {
    for (const part of [...parts].reverse()) {
      await Promise.resolve(part.stop()).catch((err) =>
        logger.error({ err, part: part.name }, "error while stopping"),
      );
    }
  };
  try {
    const nats = await ensureNats(base, logger);
    parts.push({ name: "nats-server", stop: () => nats.stop() });
    const config = Object.freeze({ ...base, NATS_URL: nats.url }) as Config;

    const store = await openEventStore(config, "reimagine-all-in-one", { logger });
    parts.push(store);
    // Postgres (or the PGlite lock) may not be there yet: everything but the read model starts now.
    const readModel = openWhenReachable(() => createDatabase(config, logger), {
      logger: logger.child({ component: "read-model" }),
    });
    parts.push({ name: "read model", stop: () => readModel.stop() });
    const blobs = createBlobStore(config);
    const captioner = createCaptioner(config, logger);
    const generator = createImageGenerator(config, logger);
    const transport = createMailTransport(config, logger);
    parts.push({ name: "mail transport", stop: () => transport.close() });
    const idempotency = await openIdempotencyStore(store, config);
    const vault = await openVault(store, { replicas: config.NATS_REPLICAS });

    parts.push(
      whenOpen(readModel, "projector", (db) =>
        startProjector({
          db,
          store,
          logger: logger.child({ component: "projector" }),
          batchSize: config.PROJECTOR_BATCH_SIZE,
          lingerMs: config.PROJECTOR_LINGER_MS,
        }),
      ),
    );
    const retentionDays = config.RETENTION_DAYS;
    if (retentionDays !== undefined) {
      parts.push(
        whenOpen(readModel, "retention sweeper", (db) =>
          startRetentionSweeper({
            store,
            db,
            blobs,
            buckets: { originals: config.S3_BUCKET_ORIGINALS, generated: config.S3_BUCKET_GENERATED },
            retentionDays,
            intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
            replicas: config.NATS_REPLICAS,
            logger,
          }),
        ),
      );
    }
    const stageDeps = { store, blobs, config, logger };
    parts.push(
      await startCaptionHandler({
        ...stageDeps,
        captioner,
        logger: logger.child({ component: "caption-handler" }),
      }),
    );
    parts.push(
      await startGenerationHandler({
        ...stageDeps,
        generator,
        logger: logger.child({ component: "generation-handler" }),
      }),
    );
    parts.push(
      await startNotifier({
        store,
        transport,
        vault,
        config,
        logger: logger.child({ component: "notifier" }),
      }),
    );
    parts.push(await startWebhooks({ store, config, logger: logger.child({ component: "webhooks" }) }));
    const api = await startCommandApi(
      {
        config,
        store,
        blobs,
        vault,
        // until the read model is open, status answers come from the log
        reader: { get: async (id) => new PostgresRequestStateReader((await readModel.opened()).db).get(id) },
        readModel: { db: async () => (await readModel.opened()).db },
        idempotency,
        logger: logger.child({ component: "command-api" }),
      },
      { port: config.PORT, host: config.HOST, graceMs: config.SHUTDOWN_GRACE_MS },
    );
    parts.push(api);

    // A moment for the read model, so the banner can say where it is (it goes on opening after).
    await Promise.race([readModel.ready, sleep(BANNER_WAIT_MS)]);
    const publicUrl = config.PUBLIC_BASE_URL ?? `http://localhost:${new URL(api.url).port}`;
    const summary = [
      { part: "NATS", detail: `${nats.url} (${nats.origin}), stream ${config.NATS_STREAM}` },
      { part: "read model", detail: describeReadModel(readModel) },
      { part: "blobs", detail: blobs.describe() },
      {
        part: "retention",
        detail:
          config.RETENTION_DAYS === undefined
            ? "images kept until erased (RETENTION_DAYS unset)"
            : `images removed ${config.RETENTION_DAYS} day(s) after submission`,
      },
      { part: "mail", detail: transport.describe() },
      { part: "caption", detail: `${captioner.provider} ${captioner.model}` },
      { part: "generation", detail: `${generator.provider} ${generator.model}` },
      { part: "API", detail: `${publicUrl}${ROUTES.register}` },
      { part: "web page", detail: `${publicUrl}/` },
      { part: "API docs", detail: `${publicUrl}/docs` },
      ...(api.adminUrl ? [{ part: "admin API", detail: `${api.adminUrl}/admin/v1 (own listener)` }] : []),
      {
        part: "webhooks",
        detail: config.WEBHOOK_SECRET ? "on (Standard Webhooks, WEBHOOK_SECRET)" : "off (no WEBHOOK_SECRET)",
      },
    ];
    const preflight = [
      eventStoreCheck(store),
      databaseCheck(
        async () => (await readModel.opened()).db,
        readModel.current()?.describe() ?? "the read model",
      ),
      bucketCheck(blobs, config.S3_BUCKET_ORIGINALS),
      bucketCheck(blobs, config.S3_BUCKET_GENERATED),
      mailCheck(transport),
      ...hfTokenChecks(config),
      ...captionModelChecks(config),
      ...generationModelChecks(config),
    ];
    return { url: api.url, adminUrl: api.adminUrl, summary, preflight, parts, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A part started once the read model opens (the projector, the sweeper); stop() also covers "not yet". */
function whenOpen(
  readModel: PendingReadModel,
  name: string,
  start: (db: ReadModelDatabase["db"]) => Promise<Stoppable>,
): Stoppable {
  let stopped = false;
  let started: Stoppable | null = null;
  void readModel.ready.then(async (database) => {
    if (stopped) return;
    started = await start(database.db);
    if (stopped) await started.stop();
  });
  return {
    name,
    async stop() {
      stopped = true;
      await started?.stop();
    },
  };
}

/** The banner's read-model line: where it is, or what it is still waiting for. */
function describeReadModel(readModel: PendingReadModel): string {
  const database = readModel.current();
  if (database) return `${database.kind}: ${database.describe()}`;
  return `waiting (${readModel.waiting()}); status answers come from the event log meanwhile`;
}
