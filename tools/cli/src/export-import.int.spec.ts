import { createWriteStream } from "node:fs";
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { jetstreamManager } from "@nats-io/jetstream";
import type { AnyDomainEvent } from "@reimagine/contracts";
import type { StoredEvent } from "@reimagine/eventstore";
import { connectNats } from "@reimagine/eventstore";
import { projectBatch, requestsProjection } from "@reimagine/readmodel";
import {
  newRequestId,
  openTestDatabase,
  openTestStore,
  randomLayout,
  requestFlow,
  type TestStore,
  testDatabaseUrl,
  testNatsUrl,
} from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliAgainst } from "./testing/run-cli-against";

/** `requests` notified requests, four events each, interleaved as a live log would have them. */
function archiveOf(requests: number): AnyDomainEvent[] {
  const flows = Array.from({ length: requests }, () => requestFlow("notified", newRequestId()));
  return flows[0]!.flatMap((_, step) => flows.map((flow) => flow[step]!));
}

/** Every event of a store, in log order. */
async function everything(t: TestStore): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for await (const s of t.store.readAll()) all.push(s);
  return all;
}

describe("reimagine export / import (real NATS)", () => {
  let dir: string;
  const stores: TestStore[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "reimagine-archive-"));
  });
  afterAll(async () => {
    await Promise.all(stores.map((t) => t.cleanup()));
    await rm(dir, { recursive: true, force: true });
  });
  const store = async () => {
    const t = await openTestStore();
    stores.push(t);
    return t;
  };

  it("export → import into an empty stream → verify round-trips 100,000 events", async () => {
    const source = await store();
    await source.store.appendInOrder(archiveOf(25_000), { afterPosition: 0 });
    const file = join(dir, "log.jsonl");
    const out = createWriteStream(file);
    const write = (chunk: string) =>
      new Promise<void>((resolve) => (out.write(chunk) ? resolve() : out.once("drain", resolve)));
    const exported = await cliAgainst(source, {}, { write })("export");
    await new Promise((resolve) => out.end(resolve));
    expect(exported).toMatchObject({ code: 0, err: "exported 100000 event(s)" });
    const target = await store();
    const imported = await cliAgainst(target)("import", file);
    expect(imported.code).toBe(0);
    expect(imported.out).toBe(
      "imported 100000 event(s) of 25000 request(s) at positions 1..100000; the log holds exactly the archive",
    );
    // the same events at the same positions: ids, times, data and metadata
    const [before, after] = await Promise.all([everything(source), everything(target)]);
    expect(after).toEqual(before);

    // and the read model built from the imported log verifies clean
    const d = await openTestDatabase();
    try {
      for (let i = 0; i < after.length; i += 500) {
        await projectBatch(d.db, requestsProjection, after.slice(i, i + 500));
      }
      const url = `${testDatabaseUrl()}?options=${encodeURIComponent(`-c search_path=${d.schema}`)}`;
      const verify = await cliAgainst(target, { DATABASE_URL: url })("verify");
      expect(verify).toMatchObject({ code: 0, out: "checked 25000 request(s): 0 difference(s)" });
    } finally {
      await d.cleanup();
    }
  }, 180_000);

  it("imports from stdin every line, also those that arrived before the import read them", async () => {
    const events = archiveOf(500);
    const stdin = new PassThrough();
    stdin.end(`${events.map((e) => JSON.stringify(e)).join("\n")}\n`);
    const target = await store();
    const imported = await cliAgainst(target, {}, { stdin })("import");
    expect(imported.code).toBe(0);
    expect((await everything(target)).map((s) => s.event.id)).toEqual(events.map((e) => e.id));
  });

  it("refuses a bad archive before writing anything, naming the line (exit 1)", async () => {
    const events = archiveOf(3).map((e) => JSON.stringify(e));
    const file = join(dir, "bad.jsonl");
    await writeFile(
      file,
      [...events.slice(0, 5), '{"type":"ImageSubmitted"}', ...events.slice(5)].join("\n"),
    );
    const target = await store();
    const imported = await cliAgainst(target)("import", file);
    expect(imported.code).toBe(1);
    expect(imported.err).toMatch(/^reimagine: line 6: /m);
    expect(await target.store.headPosition()).toBe(0);
    expect((await cliAgainst(target)("import", join(dir, "missing.jsonl"))).code).toBe(2);
  });

  it("read-only verbs on an unknown stream: one line, exit 2, and no stream created", async () => {
    const layout = randomLayout();
    const dataDir = join(dir, "untouched");
    const cli = cliAgainst({ layout }, { DATA_DIR: dataDir });
    for (const argv of [
      ["events", newRequestId()],
      ["status", newRequestId()],
      ["export"],
      ["dead-letters"],
      ["retry", newRequestId()],
    ]) {
      const run = await cli(...argv);
      expect(run.code, argv.join(" ")).toBe(2);
      expect(run.err).toMatch(new RegExp(`^reimagine: no stream ${layout.stream} .*check NATS_STREAM`));
      expect(run.err.split("\n")).toHaveLength(1);
    }
    const nc = await connectNats(testNatsUrl(), "probe");
    try {
      const jsm = await jetstreamManager(nc);
      for (const name of [layout.stream, layout.deadLetterStream, `KV_${layout.stream}_keys`]) {
        expect(
          await jsm.streams.info(name).then(
            () => "exists",
            () => "absent",
          ),
        ).toBe("absent");
      }
    } finally {
      await nc.close();
    }
    // nor was the embedded read model opened (created) on the way
    expect(
      await access(dataDir).then(
        () => "exists",
        () => "absent",
      ),
    ).toBe("absent");
  });
});
