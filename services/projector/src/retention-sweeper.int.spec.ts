import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BlobStore, LocalDiskBlobStore, type S3BlobStore } from "@reimagine/blobs";
import type { AnyDomainEvent, DomainEvent } from "@reimagine/contracts";
import type { StoredEvent } from "@reimagine/eventstore";
import { expireRequestImages } from "@reimagine/operations";
import { silentLogger } from "@reimagine/platform";
import { projectBatch, requestsProjection } from "@reimagine/readmodel";
import {
  type FlowEnding,
  newRequestId,
  openTestBuckets,
  openTestDatabase,
  openTestStore,
  requestFlow,
  startS3Server,
  type TestDatabase,
  type TestS3Server,
  type TestStore,
} from "@reimagine/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRetentionSweeper } from "./retention-sweeper";

const DAY = 24 * 3600 * 1000;
const RETENTION_DAYS = 30;
const INTERVAL_MS = 3_600_000;

let s3: TestS3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => s3.stop());

describe("retention sweep (real NATS, Postgres and S3 server)", () => {
  let t: TestStore;
  let d: TestDatabase;
  let blobs: S3BlobStore;
  let buckets: { originals: string; generated: string };
  /** How often each object was removed, over every sweeper. */
  let removals: Map<string, number>;
  let counting: BlobStore;

  beforeEach(async () => {
    [t, d] = await Promise.all([openTestStore(), openTestDatabase()]);
    ({ blobs, buckets } = await openTestBuckets(s3));
    removals = new Map();
    counting = Object.assign(Object.create(blobs) as BlobStore, {
      remove: async (bucket: string, key: string) => {
        removals.set(`${bucket}/${key}`, (removals.get(`${bucket}/${key}`) ?? 0) + 1);
        await blobs.remove(bucket, key);
      },
    });
  });
  afterEach(async () => Promise.all([t.cleanup(), d.cleanup()]));

  /** A request submitted `daysAgo`, its images stored, its events in the log. */
  async function request(daysAgo: number, ending: FlowEnding, extra: string[] = []) {
    const id = newRequestId();
    const events = requestFlow(ending, id, new Date(Date.now() - daysAgo * DAY));
    const objects: string[] = [];
    for (const e of events) {
      if (e.type === "ImageSubmitted") {
        await blobs.put(buckets.originals, e.data.originalKey, Buffer.from("o"), {
          contentType: "image/jpeg",
        });
        objects.push(`${buckets.originals}/${e.data.originalKey}`);
      }
      if (e.type === "ImageGenerated") {
        await blobs.put(buckets.generated, e.data.imageKey, Buffer.from("g"), { contentType: "image/png" });
        objects.push(`${buckets.generated}/${e.data.imageKey}`);
      }
    }
    // an image of a run whose event was never recorded: it goes with the request all the same
    for (const key of extra) {
      await blobs.put(buckets.generated, `${id}/${key}`, Buffer.from("x"), { contentType: "image/png" });
      objects.push(`${buckets.generated}/${id}/${key}`);
    }
    await t.store.append(id, events, "no_stream");
    return { id, objects };
  }

  const project = async () => {
    const all: StoredEvent[] = [];
    for await (const s of t.store.readAll()) all.push(s);
    await projectBatch(d.db, requestsProjection, all);
  };
  const sweeper = (owner: string) =>
    createRetentionSweeper({
      store: t.store,
      db: d.db,
      blobs: counting,
      buckets,
      retentionDays: RETENTION_DAYS,
      intervalMs: INTERVAL_MS,
      replicas: 1,
      logger: silentLogger,
      owner,
    });
  const expiries = async (id: string) =>
    (await t.store.readRequest(id)).events
      .map((s) => s.event)
      .filter((e): e is DomainEvent<"ImagesExpired"> => e.type === "ImagesExpired");
  const stored = async (id: string) =>
    [
      ...(await blobs.list(buckets.originals, `${id}/`)).map((k) => `${buckets.originals}/${k}`),
      ...(await blobs.list(buckets.generated, `${id}/`)).map((k) => `${buckets.generated}/${k}`),
    ].sort();

  it("removes exactly the expired images, once, with two sweeper instances racing", async () => {
    const old = [
      await request(40, "notified", ["generated-1.png"]),
      await request(31, "failed"),
      await request(35, "captioned"),
    ];
    const young = await request(10, "notified");
    await project();
    const [a, b] = await Promise.all([sweeper("instance-a"), sweeper("instance-b")]);

    const now = new Date();
    const results = await Promise.all([a.sweepNow(now), b.sweepNow(now)]);
    // the period's lease: one instance swept, the other stood aside
    expect(results.filter((r) => r === null)).toHaveLength(1);
    expect(results.find((r) => r !== null)).toMatchObject({
      expired: 3,
      removed: 5,
      failed: 0,
      complete: true,
    });

    for (const { id, objects } of old) {
      const [expired, ...more] = await expiries(id);
      expect(more).toEqual([]);
      expect(expired!.data.retentionDays).toBe(RETENTION_DAYS);
      expect(expired!.data.removed.map((r) => `${buckets[r.bucket]}/${r.key}`).sort()).toEqual(
        objects.sort(),
      );
      expect(await stored(id)).toEqual([]);
    }
    expect(await expiries(young.id)).toEqual([]);
    expect(await stored(young.id)).toEqual(young.objects.sort());
    // every expired object was removed exactly once, and nothing else was touched
    expect(Object.fromEntries(removals)).toEqual(
      Object.fromEntries(old.flatMap((r) => r.objects).map((o) => [o, 1])),
    );

    // This period's sweep is done: nobody sweeps it again.
    expect(await Promise.all([a.sweepNow(now), b.sweepNow(now)])).toEqual([null, null]);
    // The next periods', before the read model has caught up (it still lists them) and after:
    // the log says they are expired already, and nothing more happens.
    const later = (periods: number) => new Date(now.getTime() + periods * INTERVAL_MS);
    expect(await b.sweepNow(later(1))).toMatchObject({ checked: 3, expired: 0 });
    await project();
    expect(await a.sweepNow(later(2))).toMatchObject({ checked: 0, expired: 0 });
    for (const { id } of old) expect(await expiries(id)).toHaveLength(1);
    expect([...removals.values()].every((n) => n === 1)).toBe(true);
  });

  it("records one ImagesExpired per request even when sweeps act on it at once (no lease)", async () => {
    const { id } = await request(40, "notified");
    // s3rver answers 500 to concurrent deletes of one object (S3 does not): the local-disk store here
    const dir = await mkdtemp(join(tmpdir(), "reimagine-sweep-"));
    const disk = new LocalDiskBlobStore(dir);
    await disk.ensureBuckets([buckets.originals, buckets.generated]);
    for (const bucket of [buckets.originals, buckets.generated]) {
      for (const key of await blobs.list(bucket, `${id}/`)) {
        await disk.put(bucket, key, Buffer.from("x"), { contentType: "image/png" });
      }
    }
    const deps = { store: t.store, blobs: disk, buckets };
    const now = new Date();
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => expireRequestImages(deps, id, { retentionDays: RETENTION_DAYS, now })),
    );
    expect(await expiries(id)).toHaveLength(1);
    expect(outcomes.filter((o) => o !== null).length).toBeGreaterThanOrEqual(1);
    expect(await disk.list(buckets.originals, `${id}/`)).toEqual([]);
    expect(await disk.list(buckets.generated, `${id}/`)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it("shows in the read model when the images expired, and a request stuck mid-way as failed", async () => {
    const stuck = await request(35, "captioned");
    await project();
    await (await sweeper("a")).sweepNow();
    await project();
    const row = await d.db
      .selectFrom("requests")
      .selectAll()
      .where("request_id", "=", stuck.id)
      .executeTakeFirstOrThrow();
    expect(row.images_expired_at).toBeInstanceOf(Date);
    expect(row.status).toBe("failed");
    expect(row.error).toMatchObject({
      stage: "generation",
      message: "the images expired before this stage ran",
    });
    const events: AnyDomainEvent[] = (await t.store.readRequest(stuck.id)).events.map((s) => s.event);
    expect(events.map((e) => e.type)).toEqual(["ImageSubmitted", "CaptionProduced", "ImagesExpired"]);
  });
});
