import { jetstreamManager } from "@nats-io/jetstream";
import type { S3BlobStore } from "@reimagine/blobs";
import type { AnyDomainEvent } from "@reimagine/contracts";
import { foldRequest, newEvent, type RequestState } from "@reimagine/contracts";
import type { EventStore, JetStreamEventStore } from "@reimagine/eventstore";
import { loadConfig, silentLogger } from "@reimagine/platform";
import type { RequestStateReader } from "@reimagine/readmodel";
import {
  openTestBuckets,
  openTestStore,
  startS3Server,
  type TestS3Server,
  type TestStore,
} from "@reimagine/testing";
import { openVault, type Vault } from "@reimagine/vault";
import { Client } from "minio";
import type { CommandApiDeps } from "../app/command-api-deps";
import { createCommandApi } from "../app/create-command-api";
import type { IdempotencyStore } from "../idempotency/idempotency-store";
import { idempotencyBucketName, openIdempotencyStore } from "../idempotency/idempotency-store";

/** A read model held in memory: empty (as if the projector lagged) until a test projects into it. */
export class MemoryReader implements RequestStateReader {
  readonly states = new Map<string, RequestState>();
  /** When set, every read throws it: Postgres is down. */
  failure: Error | null = null;

  async get(requestId: string): Promise<RequestState | null> {
    if (this.failure) throw this.failure;
    return this.states.get(requestId) ?? null;
  }

  /** Projects a request's events, as the projector would. */
  project(requestId: string, events: AnyDomainEvent[]): void {
    this.states.set(requestId, foldRequest(requestId, events));
  }
}

export interface TestApi {
  app: ReturnType<typeof createCommandApi>;
  deps: CommandApiDeps;
  store: JetStreamEventStore;
  blobs: S3BlobStore;
  /** The vault on the test stream's key bucket. */
  vault: Vault;
  reader: MemoryReader;
  idempotency: IdempotencyStore;
  buckets: { originals: string; generated: string };
  s3: TestS3Server;
  /** Every event in the test's stream. */
  events(): Promise<AnyDomainEvent[]>;
  /** Every object key in a bucket. */
  objects(bucket: string): Promise<string[]>;
  /** How many Idempotency-Keys are stored. */
  idempotencyKeys(): Promise<number>;
  /** Deletes the streams, the KV buckets and the S3 server (unless shared). */
  cleanup(): Promise<void>;
}

export interface TestApiOptions {
  /** Configuration overrides (MAX_UPLOAD_BYTES, RATE_LIMIT_PER_MINUTE, ...). */
  config?: Record<string, string | number | boolean>;
  /** An S3 server shared by several test APIs (the caller stops it). */
  s3?: TestS3Server;
  idempotencyLeaseMs?: number;
}

/**
 * The command API on the real NATS (random streams and KV bucket), a real S3 server (random
 * buckets) and an in-memory read model, for route tests through `app.request()`.
 */
export async function openTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const s3 = options.s3 ?? (await startS3Server());
  let nats: TestStore | null = null;
  try {
    nats = await openTestStore();
    const { blobs, buckets } = await openTestBuckets(s3);
    const config = loadConfig(
      {
        RATE_LIMIT_PER_MINUTE: 0,
        S3_BUCKET_ORIGINALS: buckets.originals,
        S3_BUCKET_GENERATED: buckets.generated,
        NATS_STREAM: nats.layout.stream,
        ...options.config,
      },
      {},
    );
    const idempotency = await openIdempotencyStore(nats.store, config);
    const reader = new MemoryReader();
    const vault = await openVault(nats.store, { replicas: 1 });
    const deps: CommandApiDeps = {
      config,
      store: nats.store,
      blobs,
      vault,
      reader,
      idempotency,
      logger: silentLogger,
      idempotencyLeaseMs: options.idempotencyLeaseMs,
    };
    const minio = new Client({
      endPoint: "127.0.0.1",
      port: Number(new URL(s3.endpoint).port),
      useSSL: false,
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
      pathStyle: true,
    });
    const store = nats.store;
    const testNats = nats;
    return {
      app: createCommandApi(deps),
      deps,
      store,
      blobs,
      vault,
      reader,
      idempotency,
      buckets,
      s3,
      async events() {
        const events: AnyDomainEvent[] = [];
        for await (const stored of store.readAll()) events.push(stored.event);
        return events;
      },
      async objects(bucket) {
        const keys: string[] = [];
        for await (const item of minio.listObjectsV2(bucket, "", true)) {
          if (item.name) keys.push(item.name);
        }
        return keys;
      },
      async idempotencyKeys() {
        const jsm = await jetstreamManager(testNats.nc);
        const info = await jsm.streams.info(`KV_${idempotencyBucketName(testNats.layout.stream)}`);
        return info.state.messages;
      },
      async cleanup() {
        // the stream's KV buckets (idempotency, keys) go with it
        await testNats.cleanup();
        if (!options.s3) await s3.stop();
      },
    };
  } catch (err) {
    await nats?.cleanup();
    if (!options.s3) await s3.stop();
    throw err;
  }
}

/** A multipart body for POST /api/v1/register. */
export function submissionForm(
  parts: { image?: Buffer | null; email?: string | null; filename?: string; type?: string } = {},
): FormData {
  const form = new FormData();
  if (parts.email !== null) form.set("email", parts.email ?? "nina@example.com");
  if (parts.image) {
    form.set(
      "image",
      new Blob([parts.image], { type: parts.type ?? "image/jpeg" }),
      parts.filename ?? "photo.jpg",
    );
  }
  return form;
}

/** Appends ImageGenerated for a submitted request, as the generation handler would (the image itself is the caller's). */
export async function appendImageGenerated(
  store: EventStore,
  requestId: string,
  image: { key: string; bytes: number; contentType?: "image/png" | "image/jpeg" | "image/webp" },
): Promise<void> {
  const history = await store.readRequest(requestId);
  const cause = history.events.at(-1)!.event;
  const event = newEvent(
    "ImageGenerated",
    requestId,
    {
      imageKey: image.key,
      contentType: image.contentType ?? "image/png",
      bytes: image.bytes,
      width: 16,
      height: 16,
      model: "test-model",
      provider: "offline",
      latencyMs: 1,
    },
    { correlationId: requestId, causationId: cause.id },
  );
  await store.append(requestId, [event], history.version);
}
