import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalDiskBlobStore } from "@reimagine/blobs";
import { type AnyDomainEvent, causedBy, type DomainEvent, newEvent } from "@reimagine/contracts";
import { type AppendResult, type ExpectedVersion, InMemoryEventStore } from "@reimagine/eventstore";
import { fixtureVault, newRequestId, requestFlow } from "@reimagine/testing";
import { PersonalDataErasedError } from "@reimagine/vault";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportLog } from "./export-log";
import { forgetRequest } from "./forget-request";
import { requestTimeline } from "./request-timeline";

const buckets = { originals: "originals", generated: "generated" };

/** A store in which a generation finishes (image stored, event appended) just as the erasure is appended. */
class RaceStore extends InMemoryEventStore {
  raced = false;
  constructor(private readonly generate: (requestId: string) => Promise<AnyDomainEvent>) {
    super();
  }
  override async append(
    id: string,
    events: AnyDomainEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    if (!this.raced && events[0]?.type === "ErasureCompleted") {
      this.raced = true;
      await super.append(id, [await this.generate(id)], "any");
    }
    return super.append(id, events, expected);
  }
}

describe("forgetRequest (in-memory log, local-disk blobs)", () => {
  let dir: string;
  let blobs: LocalDiskBlobStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "reimagine-forget-"));
    blobs = new LocalDiskBlobStore(dir);
    await blobs.ensureBuckets(Object.values(buckets));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it("also removes an image a stage stored while the erasure ran, and records it", async () => {
    const id = newRequestId();
    const flow = requestFlow("captioned", id);
    await blobs.put(buckets.originals, `${id}/original.jpg`, Buffer.from("o"), { contentType: "image/jpeg" });
    const store = new RaceStore(async (requestId) => {
      await blobs.put(buckets.generated, `${requestId}/generated-0.png`, Buffer.from("g"), {
        contentType: "image/png",
      });
      const cause = (await store.readRequest(requestId)).events.at(-1)!.event;
      return newEvent(
        "ImageGenerated",
        requestId,
        {
          imageKey: `${requestId}/generated-0.png`,
          contentType: "image/png",
          bytes: 1,
          width: 1,
          height: 1,
          model: "m",
          provider: "offline",
          latencyMs: 1,
        },
        causedBy(cause),
      );
    });
    await store.append(id, flow, "no_stream");

    const report = await forgetRequest({ store, vault: fixtureVault, blobs, buckets }, id, {
      requestedBy: "ops",
    });

    expect(store.raced).toBe(true);
    expect(report).toMatchObject({ alreadyErased: false, keyErased: true, clearTextInLog: false });
    expect(report.removed).toEqual([
      { bucket: "originals", key: `${id}/original.jpg` },
      { bucket: "generated", key: `${id}/generated-0.png` },
    ]);
    const events = (await store.readRequest(id)).events.map((s) => s.event);
    expect(events.map((e) => e.type)).toEqual([
      "ImageSubmitted",
      "CaptionProduced",
      "ImageGenerated",
      "ErasureCompleted",
    ]);
    expect((events.at(-1) as DomainEvent<"ErasureCompleted">).data.removed).toEqual(report.removed);
    expect(await blobs.list(buckets.generated, `${id}/`)).toEqual([]);
    const submitted = events[0]!;
    if (submitted.type !== "ImageSubmitted" || !("sealed" in submitted.data.personal))
      throw new Error("sealed");
    await expect(fixtureVault.open(submitted.data.personal.sealed)).rejects.toBeInstanceOf(
      PersonalDataErasedError,
    );
  });

  it("says the log keeps a webhook URL written in clear text before it was sealed, and shows it nowhere", async () => {
    const store = new InMemoryEventStore();
    const [sealed, clear] = [newRequestId(), newRequestId()];
    const url = "https://nina.example.net/hook?token=old";
    await store.append(sealed, requestFlow("notified", sealed, undefined, { webhookUrl: url }), "no_stream");
    const old = requestFlow("notified", clear);
    const submitted = old[0] as DomainEvent<"ImageSubmitted">;
    submitted.data.webhookUrl = url;
    await store.append(clear, old, "no_stream");
    const deps = { store, vault: fixtureVault, blobs, buckets };

    const before = await requestTimeline(store, fixtureVault, sealed);
    expect(before[0]!.summary).toMatch(/for p\*\*\*@example\.com, with a webhook$/);
    expect(await forgetRequest(deps, sealed, { requestedBy: "ops" })).toMatchObject({
      clearTextInLog: false,
    });
    expect(await forgetRequest(deps, clear, { requestedBy: "ops" })).toMatchObject({ clearTextInLog: true });

    const lines: string[] = [];
    await exportLog(store, (line) => {
      lines.push(line);
    });
    const shown = [...lines, ...(await requestTimeline(store, fixtureVault, clear)).map((l) => l.summary)];
    expect(shown.join("\n")).toContain(clear);
    expect(shown.join("\n")).not.toContain("nina.example.net");
    expect(shown.join("\n")).toMatch(/the log keeps personal data in clear text/);
  });
});
