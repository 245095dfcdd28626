import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { AnyDomainEvent } from "@reimagine/contracts";
import { InMemoryEventStore, type OrderedAppendOptions } from "@reimagine/eventstore";
import { newRequestId, requestFlow } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { ImportMismatchError } from "./archive-errors";
import { importLog, readLines } from "./import-log";

/** An archive of `requests` notified requests (4 events each), as export writes it. */
function archive(requests: number): string[] {
  return Array.from({ length: requests }, () => requestFlow("notified", newRequestId())).flatMap((flow) =>
    flow.map((e) => JSON.stringify(e)),
  );
}

/** A store whose bulk append quietly drops the events `drop` picks: what the final check is for. */
class LossyStore extends InMemoryEventStore {
  constructor(private readonly drop: (event: AnyDomainEvent, index: number) => boolean) {
    super();
  }
  override async appendInOrder(
    events: AsyncIterable<AnyDomainEvent> | Iterable<AnyDomainEvent>,
    options: OrderedAppendOptions,
  ) {
    const kept: AnyDomainEvent[] = [];
    let i = 0;
    for await (const e of events) if (!this.drop(e, i++)) kept.push(e);
    return super.appendInOrder(kept, options);
  }
}

describe("importLog", () => {
  it("imports every line, in order, reporting each phase", async () => {
    const lines = archive(300);
    const store = new InMemoryEventStore();
    const phases = new Set<string>();
    const result = await importLog(store, lines, { onProgress: (p) => phases.add(p.phase) });
    expect(result).toEqual({ events: 1200, requests: 300, firstPosition: 1, lastPosition: 1200 });
    const ids: string[] = [];
    for await (const s of store.readAll()) ids.push(s.event.id);
    expect(ids).toEqual(lines.map((l) => (JSON.parse(l) as AnyDomainEvent).id));
    expect([...phases]).toEqual(["validate", "append", "check"]);
  });

  it("fails, naming what is missing, when the store does not end up holding the archive", async () => {
    const lines = archive(5);
    const lost = JSON.parse(lines[6]!) as AnyDomainEvent;
    const err = await importLog(new LossyStore((e) => e.id === lost.id), ["", ...lines]).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportMismatchError);
    const mismatch = err as ImportMismatchError;
    // everything from the lost event on is out of place: the first is named with its archive line
    expect(mismatch.missingCount).toBe(lines.length - 6);
    expect(mismatch.missing[0]).toEqual({ id: lost.id, line: 8 });
    expect(mismatch.message).toContain(`the store holds 6 of the archive's 20 events in order`);
    expect(mismatch.message).toContain(`${lost.id} (line 8)`);
  });

  it("names the missing tail when the store holds only a prefix", async () => {
    const lines = archive(3);
    const err = (await importLog(new LossyStore((_e, i) => i >= 10), lines).catch(
      (e: unknown) => e,
    )) as ImportMismatchError;
    expect(err).toBeInstanceOf(ImportMismatchError);
    expect(err.missingCount).toBe(2);
    expect(err.message).toContain("the log ends at position 10");
  });
});

describe("readLines", () => {
  it("loses no line written before iteration starts (stdin already full when the CLI gets to it)", {
    timeout: 10_000,
  }, async () => {
    const input = new PassThrough();
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    const reader = readLines(input);
    input.end(`${lines.join("\n")}\n`);
    await sleep(50); // the import's first awaits (opening NATS) happen here
    const seen: string[] = [];
    for await (const line of reader) seen.push(line);
    expect(seen).toEqual(lines);
  });

  it("reads CRLF lines and a last line without a newline", async () => {
    const input = new PassThrough();
    input.end("a\r\nb\r\nc");
    const seen: string[] = [];
    for await (const line of readLines(input)) seen.push(line);
    expect(seen).toEqual(["a", "b", "c"]);
  });
});
