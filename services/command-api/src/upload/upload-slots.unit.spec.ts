import { describe, expect, it } from "vitest";
import { UploadQueueFullError, UploadSlots } from "./upload-slots";

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("UploadSlots", () => {
  it("grants at most `slots` at once and the rest in arrival order", async () => {
    const slots = new UploadSlots(2);
    const granted: number[] = [];
    const releases = [0, 1, 2].map((i) =>
      slots.acquire().then((release) => {
        granted.push(i);
        return release;
      }),
    );
    await settled();
    expect(granted).toEqual([0, 1]);
    expect(slots.inUse).toBe(2);
    (await releases[1]!)();
    await settled();
    expect(granted).toEqual([0, 1, 2]);
    (await releases[0]!)();
    (await releases[2]!)();
    expect(slots.inUse).toBe(0);
  });

  it("counts a release called twice once", async () => {
    const slots = new UploadSlots(1);
    const release = await slots.acquire();
    release();
    release();
    const again = await slots.acquire();
    expect(slots.inUse).toBe(1);
    await expect(slots.acquire(10)).rejects.toBeInstanceOf(UploadQueueFullError);
    again();
  });

  it("gives up waiting after the timeout, leaving the queue as it was", async () => {
    const slots = new UploadSlots(1);
    const held = await slots.acquire();
    await expect(slots.acquire(20)).rejects.toThrow(/no upload slot came free within 20 ms/);
    const next = slots.acquire();
    held();
    (await next)();
    expect(slots.inUse).toBe(0);
  });

  it("refuses newcomers when the queue is full", async () => {
    const slots = new UploadSlots(1, 1);
    const held = await slots.acquire();
    const queued = slots.acquire();
    await expect(slots.acquire()).rejects.toBeInstanceOf(UploadQueueFullError);
    held();
    (await queued)();
  });

  it("insists on at least one slot", () => {
    expect(() => new UploadSlots(0)).toThrow(RangeError);
  });
});
