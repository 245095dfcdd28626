import { describe, expect, it } from "vitest";
import { nextBatches } from "./next-batches";

interface Item {
  n: number;
  /** What is still waiting behind this item, as JetStream reports it. */
  pending: number;
}

/** A source the test feeds by hand; `end()` finishes it. */
function manualSource() {
  const queue: Item[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  return {
    push(...items: Item[]) {
      queue.push(...items);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    },
  };
}

const items = (...pending: number[]) => pending.map((p, i) => ({ n: i + 1, pending: p }));
const numbers = (batches: Item[][]) => batches.map((b) => b.map((i) => i.n));

async function collect(source: AsyncIterable<Item>, max: number, windowMs = 60_000) {
  const out: Item[][] = [];
  for await (const batch of nextBatches(source, { max, windowMs, atHead: (i) => i.pending === 0 }))
    out.push(batch);
  return out;
}

describe("nextBatches", () => {
  it("closes a batch as soon as the log says nothing more is waiting", async () => {
    const source = manualSource();
    source.push(...items(2, 1, 0));
    const batches = nextBatches(source, { max: 100, windowMs: 60_000, atHead: (i) => i.pending === 0 });
    // With a one-minute window, only the head marker can close this batch.
    expect(numbers([(await batches.next()).value as Item[]])).toEqual([[1, 2, 3]]);
    source.end();
    expect((await batches.next()).done).toBe(true);
  });

  it("never puts more than max items in a batch, and loses none", async () => {
    const source = manualSource();
    source.push(...items(4, 3, 2, 1, 0));
    source.end();
    expect(numbers(await collect(source, 2))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("yields what it has when the source goes quiet, and starts the next batch with what comes later", async () => {
    const source = manualSource();
    source.push({ n: 1, pending: 5 });
    const batches = nextBatches(source, { max: 100, windowMs: 1, atHead: (i) => i.pending === 0 });
    expect(numbers([(await batches.next()).value as Item[]])).toEqual([[1]]);
    source.push({ n: 2, pending: 0 });
    expect(numbers([(await batches.next()).value as Item[]])).toEqual([[2]]);
    source.end();
    expect((await batches.next()).done).toBe(true);
  });

  it("yields the last partial batch when the source ends", async () => {
    const source = manualSource();
    source.push(...items(9, 8));
    source.end();
    expect(numbers(await collect(source, 100))).toEqual([[1, 2]]);
  });
});
