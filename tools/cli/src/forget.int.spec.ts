import type { S3BlobStore } from "@reimagine/blobs";
import type { AnyDomainEvent } from "@reimagine/contracts";
import type { StoredEvent } from "@reimagine/eventstore";
import { exportLog } from "@reimagine/operations";
import { projectBatch, requestsProjection } from "@reimagine/readmodel";
import {
  captionProduced,
  legacyImageSubmitted,
  newRequestId,
  openTestBuckets,
  openTestDatabase,
  openTestStore,
  sealedRequestFlow,
  startS3Server,
  type TestDatabase,
  type TestS3Server,
  type TestStore,
  testDatabaseUrl,
} from "@reimagine/testing";
import { openVault, PersonalDataErasedError, type Vault } from "@reimagine/vault";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cliAgainst } from "./testing/run-cli-against";

const NINA = "nina.forgotten@example.com";
const OLD = "old.timer@example.com";
const KEPT = "kept@example.com";

let s3: TestS3Server;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => s3.stop());

describe("reimagine forget, then replay, verify and export (real NATS, Postgres, S3 server)", () => {
  let t: TestStore;
  let d: TestDatabase;
  let vault: Vault;
  let blobs: S3BlobStore;
  let buckets: { originals: string; generated: string };
  let cli: ReturnType<typeof cliAgainst>;

  beforeEach(async () => {
    [t, d] = await Promise.all([openTestStore(), openTestDatabase()]);
    vault = await openVault(t.store, { replicas: 1 });
    ({ blobs, buckets } = await openTestBuckets(s3));
    cli = cliAgainst(t, {
      DATABASE_URL: `${testDatabaseUrl()}?options=${encodeURIComponent(`-c search_path=${d.schema}`)}`,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET_ORIGINALS: buckets.originals,
      S3_BUCKET_GENERATED: buckets.generated,
    });
  });
  afterEach(async () => Promise.all([t.cleanup(), d.cleanup()]));

  /** Appends a request's events and stores the images they name. */
  async function given(events: AnyDomainEvent[]): Promise<string> {
    for (const e of events) {
      if (e.type === "ImageSubmitted") {
        await blobs.put(buckets.originals, e.data.originalKey, Buffer.from("o"), {
          contentType: "image/jpeg",
        });
      }
      if (e.type === "ImageGenerated") {
        await blobs.put(buckets.generated, e.data.imageKey, Buffer.from("g"), { contentType: "image/png" });
      }
    }
    await t.store.append(events[0]!.requestId, events, "no_stream");
    return events[0]!.requestId;
  }
  const project = async () => {
    const all: StoredEvent[] = [];
    for await (const s of t.store.readAll()) all.push(s);
    await projectBatch(d.db, requestsProjection, all);
  };
  const objectsOf = async (id: string) => [
    ...(await blobs.list(buckets.originals, `${id}/`)),
    ...(await blobs.list(buckets.generated, `${id}/`)),
  ];
  const erasures = async (id: string) =>
    (await t.store.readRequest(id)).events.filter((s) => s.event.type === "ErasureCompleted").length;

  it("leaves no clear-text address in the export or the read model, shows erased, and no drift", async () => {
    const a = await given(
      await sealedRequestFlow(vault, "notified", newRequestId(), new Date(), { email: NINA }),
    );
    const b = await given(
      await sealedRequestFlow(vault, "failed", newRequestId(), new Date(), { email: NINA }),
    );
    const legacy = legacyImageSubmitted(newRequestId(), OLD);
    const c = await given([legacy, captionProduced(legacy)]);
    const kept = await given(
      await sealedRequestFlow(vault, "notified", newRequestId(), new Date(), { email: KEPT }),
    );
    await project();
    // before: the version-1 request's address is in the log in clear text, masked in the read model
    expect(JSON.stringify(await d.db.selectFrom("requests").selectAll().execute())).not.toContain(OLD);

    // forget by address (any case) finds both of Nina's requests through the index
    const byEmail = await cli("forget", "--email", NINA.toUpperCase());
    expect(byEmail.code).toBe(0);
    expect(byEmail.out).toMatch(/^2 request\(s\) of that address/);
    for (const id of [a, b])
      expect(byEmail.out).toMatch(
        new RegExp(`${id}: erased \\(event [0-9a-f-]+\\); data key erased; removed`),
      );
    // a version-1 request: everything that can go goes, and the CLI says what stays
    const old = await cli("forget", c);
    expect(old.code).toBe(0);
    expect(old.out).toMatch(
      new RegExp(
        `${c}: erased .*no data key left to erase; removed originals/${c}/original.jpg; the log still holds personal data in clear text`,
      ),
    );
    expect(old.out).toMatch(/a version-1 ImageSubmitted keeps its address in clear text/);
    // idempotent: by id, and by an address found only by searching the log for version-1 requests
    const again = await cli("forget", a);
    expect(again.out).toMatch(
      new RegExp(
        `${a}: already erased, nothing new recorded; no data key left to erase; no object left to remove`,
      ),
    );
    expect((await cli("forget", "--email", OLD)).out).toMatch(new RegExp(`${c}: already erased`));
    for (const id of [a, b, c]) expect(await erasures(id)).toBe(1);

    // the images are gone, the other person's are not; Nina's sealed address no longer opens
    for (const id of [a, b, c]) expect(await objectsOf(id)).toEqual([]);
    expect(await objectsOf(kept)).toHaveLength(2);
    const sealedOf = async (id: string) => {
      const submitted = (await t.store.readRequest(id)).events[0]!.event;
      if (submitted.type !== "ImageSubmitted" || !("sealed" in submitted.data.personal))
        throw new Error("not sealed");
      return submitted.data.personal.sealed;
    };
    await expect(vault.open(await sealedOf(a))).rejects.toBeInstanceOf(PersonalDataErasedError);
    expect(await vault.open(await sealedOf(kept))).toEqual({ email: KEPT });

    // the read model follows the log: verify, replay, verify
    await project();
    expect(await cli("verify")).toMatchObject({ code: 0 });
    expect((await cli("replay")).code).toBe(0);
    const verified = await cli("verify", "--json");
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ differences: [], missingRows: [], unexpectedRows: [] });

    const rows = await d.db.selectFrom("requests").selectAll().orderBy("request_id").execute();
    const text = JSON.stringify(rows);
    for (const address of [NINA, OLD, KEPT]) expect(text).not.toContain(address);
    for (const id of [a, b, c]) {
      expect(rows.find((r) => r.request_id === id)).toMatchObject({
        status: "erased",
        contact: null,
        caption: null,
      });
    }
    expect((await cli("status", a)).out).toMatch(
      new RegExp(`${a}: erased[\\s\\S]*email\\s+erased[\\s\\S]*erased\\s+\\S+ \\(the person's data\\)`),
    );
    expect((await cli("status", kept)).out).toContain("k***@example.com");

    // the export: no address in clear text anywhere, erased personal data says so
    const lines: string[] = [];
    await exportLog(t.store, (l) => void lines.push(l));
    const archive = lines.join("\n");
    for (const address of [NINA, OLD, KEPT]) expect(archive).not.toContain(address);
    const personal = lines
      .map((l) => JSON.parse(l) as AnyDomainEvent)
      .flatMap((e) => (e.type === "ImageSubmitted" ? [[e.requestId, e.data.personal] as const] : []));
    expect(Object.fromEntries(personal)).toEqual({
      [a]: { erased: true },
      [b]: { erased: true },
      [c]: { erased: true },
      [kept]: { sealed: expect.objectContaining({ keyId: kept }) },
    });

    // the timeline and the raw events say "erased" where the address was
    const timeline = await cli("events", c);
    expect(timeline.out).toMatch(/ImageSubmitted .* for erased/);
    expect(timeline.out).toMatch(
      /personal data erased by operator \(cli\): no data key to erase, 1 object\(s\) removed; the log keeps personal data in clear text/,
    );
    const raw = await cli("events", c, "--json");
    expect(raw.out).not.toContain(OLD);
    expect(raw.out).toContain('"erased": true');
  });

  it("refuses a request id and --email together, or neither, and an unknown request", async () => {
    expect((await cli("forget")).code).toBe(2);
    expect((await cli("forget", newRequestId(), "--email", NINA)).code).toBe(2);
    const unknown = await cli("forget", newRequestId());
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no request with id/);
    expect((await cli("forget", "--email", "nobody@example.com")).out).toMatch(
      /^0 request\(s\) of that address/,
    );
  });
});
