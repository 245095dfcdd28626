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
import { createDatabase, databaseCheck, PostgresRequestStateReader } from "@reimagine/readmodel";
import { openVault } from "@reimagine/vault";
import { ensureNats } from "./embedded-nats";

/** A running all-in-one: where it listens, what it connected to, and how to stop it all. */
export interface AllInOne {
  url: string;
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

    const store = await openEventStore(config, "reimagine-all-in-one");
    parts.push(store);
    const database = await createDatabase(config, logger);
    parts.push({ name: "read model", stop: () => database.close() });
    const blobs = createBlobStore(config);
    const captioner = createCaptioner(config, logger);
    const generator = createImageGenerator(config, logger);
    const transport = createMailTransport(config, logger);
    parts.push({ name: "mail transport", stop: () => transport.close() });
    const idempotency = await openIdempotencyStore(store, config);
    const vault = await openVault(store, { replicas: config.NATS_REPLICAS });

    parts.push(
      await startProjector({ db: database.db, store, logger: logger.child({ component: "projector" }) }),
    );
    if (config.RETENTION_DAYS !== undefined) {
      parts.push(
        await startRetentionSweeper({
          store,
          db: database.db,
          blobs,
          buckets: { originals: config.S3_BUCKET_ORIGINALS, generated: config.S3_BUCKET_GENERATED },
          retentionDays: config.RETENTION_DAYS,
          intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
          replicas: config.NATS_REPLICAS,
          logger,
        }),
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
        reader: new PostgresRequestStateReader(database.db),
        readModel: { db: async () => database.db },
        idempotency,
        logger: logger.child({ component: "command-api" }),
      },
      { port: config.PORT, host: config.HOST, graceMs: config.SHUTDOWN_GRACE_MS },
    );
    parts.push(api);

    const publicUrl = config.PUBLIC_BASE_URL ?? `http://localhost:${new URL(api.url).port}`;
    const summary = [
      { part: "NATS", detail: `${nats.url} (${nats.origin}), stream ${config.NATS_STREAM}` },
      { part: "read model", detail: `${database.kind}: ${database.describe()}` },
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
      databaseCheck(async () => database.db, database.describe()),
      bucketCheck(blobs, config.S3_BUCKET_ORIGINALS),
      bucketCheck(blobs, config.S3_BUCKET_GENERATED),
      mailCheck(transport),
      ...hfTokenChecks(config),
      ...captionModelChecks(config),
      ...generationModelChecks(config),
    ];
    return { url: api.url, summary, preflight, parts, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
