import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
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

  describe("lingering at the head", () => {
    // A fake clock: the linger's timer and performance.now() move only when the test says so.
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    const lingering = (source: AsyncIterable<Item>, max = 100) =>
      nextBatches(source, { max, windowMs: 5, lingerMs: 30, atHead: (i) => i.pending === 0 });

    /** The next batch, and whether it has been yielded yet. */
    function nextOf(batches: AsyncGenerator<Item[]>) {
      const state = { yielded: false, batch: [] as number[] };
      const done = batches.next().then((r) => {
        state.yielded = true;
        state.batch = numbers([r.value as Item[]])[0]!;
      });
      return { state, done };
    }

    it("waits at the head for more, until lingerMs after the batch's first item", async () => {
      const source = manualSource();
      const batches = lingering(source);
      source.push({ n: 1, pending: 0 });
      const next = nextOf(batches);
      await vi.advanceTimersByTimeAsync(20);
      expect(next.state.yielded).toBe(false);
      source.push({ n: 2, pending: 0 });
      // The linger is not restarted by the second item: 30 ms after the first, the batch goes.
      await vi.advanceTimersByTimeAsync(9);
      expect(next.state.yielded).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(next.state).toEqual({ yielded: true, batch: [1, 2] });
      source.end();
      expect((await batches.next()).done).toBe(true);
    });

    it("starts the next batch with what arrives after the linger", async () => {
      const source = manualSource();
      const batches = lingering(source);
      source.push({ n: 1, pending: 0 });
      const first = nextOf(batches);
      await vi.advanceTimersByTimeAsync(30);
      expect(first.state).toEqual({ yielded: true, batch: [1] });
      const second = nextOf(batches);
      await vi.advanceTimersByTimeAsync(100);
      expect(second.state.yielded).toBe(false);
      source.push({ n: 2, pending: 0 }, { n: 3, pending: 0 });
      await vi.advanceTimersByTimeAsync(30);
      expect(second.state).toEqual({ yielded: true, batch: [2, 3] });
    });

    it("keeps lingering through a burst that arrives after the window", async () => {
      const source = manualSource();
      const batches = lingering(source);
      source.push({ n: 1, pending: 0 });
      const next = nextOf(batches);
      await vi.advanceTimersByTimeAsync(20);
      // More is coming (pending 1), but the window (5 ms) is long past: the linger still holds.
      source.push({ n: 2, pending: 1 });
      await vi.advanceTimersByTimeAsync(5);
      expect(next.state.yielded).toBe(false);
      source.push({ n: 3, pending: 0 });
      await vi.advanceTimersByTimeAsync(5);
      expect(next.state).toEqual({ yielded: true, batch: [1, 2, 3] });
    });

    it("yields a full batch at once, lingering or not", async () => {
      const source = manualSource();
      const batches = lingering(source, 2);
      source.push({ n: 1, pending: 0 }, { n: 2, pending: 0 });
      // No timer is advanced: only the batch being full can yield it.
      expect(numbers([(await batches.next()).value as Item[]])).toEqual([[1, 2]]);
    });

    it("does not linger while catching up: batches behind the head go as soon as they are full", async () => {
      const source = manualSource();
      const batches = lingering(source, 2);
      source.push(...items(4, 3, 2, 1, 0));
      expect(numbers([(await batches.next()).value as Item[]])).toEqual([[1, 2]]);
      expect(numbers([(await batches.next()).value as Item[]])).toEqual([[3, 4]]);
      // The last one is at the head and lingers for company.
      const last = nextOf(batches);
      await vi.advanceTimersByTimeAsync(29);
      expect(last.state.yielded).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(last.state).toEqual({ yielded: true, batch: [5] });
    });

    it("behind the head, waits only windowMs for a quiet stream, not the linger", async () => {
      const source = manualSource();
      const batches = lingering(source);
      source.push({ n: 1, pending: 5 });
      const next = nextOf(batches);
      await vi.advanceTimersByTimeAsync(4);
      expect(next.state.yielded).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(next.state).toEqual({ yielded: true, batch: [1] });
    });

    it("yields what it has when the source ends during the linger", async () => {
      const source = manualSource();
      const batches = lingering(source);
      source.push({ n: 1, pending: 0 });
      const next = nextOf(batches);
      await vi.advanceTimersByTimeAsync(10);
      source.end();
      await next.done;
      expect(next.state).toEqual({ yielded: true, batch: [1] });
      expect((await batches.next()).done).toBe(true);
    });
  });
});
