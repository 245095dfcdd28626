import { describe, expect, it } from "vitest";
import { UploadQueueFullError, UploadSlots } from "./upload-slots";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("UploadSlots", () => {
  it("runs at most `slots` at once and the rest in arrival order", async () => {
    const slots = new UploadSlots(2);
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      slots.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(slots.inUse).toBe(2);
    gates[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(slots.inUse).toBe(0);
  });

  it("frees the slot when the work fails", async () => {
    const slots = new UploadSlots(1);
    await expect(slots.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await slots.run(async () => "next")).toBe("next");
  });

  it("refuses newcomers when the queue is full", async () => {
    const slots = new UploadSlots(1, 1);
    const gate = deferred();
    const first = slots.run(() => gate.promise);
    const second = slots.run(async () => "queued");
    await expect(slots.run(async () => "too many")).rejects.toBeInstanceOf(UploadQueueFullError);
    gate.resolve();
    await first;
    expect(await second).toBe("queued");
  });

  it("insists on at least one slot", () => {
    expect(() => new UploadSlots(0)).toThrow(RangeError);
  });
});
