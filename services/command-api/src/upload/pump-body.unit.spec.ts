import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { pumpBody } from "./pump-body";
import { UploadError } from "./upload-error";
import { UploadSlots } from "./upload-slots";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function failure(promise: Promise<unknown>): Promise<UploadError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UploadError);
  return err as UploadError;
}

describe("pumpBody", () => {
  it("hands every byte to write, in order, and ends with the source", async () => {
    const source = new PassThrough();
    const got: Buffer[] = [];
    const done = pumpBody(source, (c) => void got.push(c), {
      slots: new UploadSlots(1),
      idleTimeoutMs: 1000,
      totalTimeoutMs: 5000,
    });
    source.write("ab");
    await sleep(5);
    source.end("cd");
    await done;
    expect(Buffer.concat(got).toString()).toBe("abcd");
  });

  it("holds a slot only while bytes flow: a paused client gives it back", async () => {
    const slots = new UploadSlots(1);
    const slow = new PassThrough();
    const slowDone = pumpBody(slow, () => undefined, {
      slots,
      idleTimeoutMs: 5000,
      totalTimeoutMs: 10_000,
      stallMs: 20,
    });
    slow.write(Buffer.alloc(64 * 1024));
    await sleep(5);
    expect(slots.inUse).toBe(1);
    await sleep(60);
    expect(slots.inUse).toBe(0);
    // Another upload gets the only slot while the slow one is quiet.
    const fast = new PassThrough();
    const fastDone = pumpBody(fast, () => undefined, { slots, idleTimeoutMs: 1000, totalTimeoutMs: 5000 });
    fast.end("all at once");
    await fastDone;
    slow.end("y");
    await slowDone;
    expect(slots.inUse).toBe(0);
  });

  it("gives the slot back at once to a trickler, whose bytes earn no time to hold it", async () => {
    const slots = new UploadSlots(1);
    const slow = new PassThrough();
    const done = pumpBody(slow, () => undefined, { slots, idleTimeoutMs: 5000, totalTimeoutMs: 10_000 });
    slow.write("x");
    await sleep(5);
    expect(slots.inUse).toBe(0);
    slow.end();
    await done;
  });

  it("times out a client that goes quiet for the idle timeout, holding no slot", async () => {
    const slots = new UploadSlots(1);
    const source = new PassThrough();
    const done = pumpBody(source, () => undefined, {
      slots,
      idleTimeoutMs: 60,
      totalTimeoutMs: 5000,
      stallMs: 10,
    });
    source.write("x");
    const err = await failure(done);
    expect(err.code).toBe("TIMEOUT");
    expect(err.message).toMatch(/no byte of the upload arrived for 60 ms/);
    expect(slots.inUse).toBe(0);
  });

  it("times out a client that trickles bytes past the total deadline", async () => {
    const source = new PassThrough();
    const trickle = setInterval(() => source.write("x"), 10);
    try {
      const err = await failure(
        pumpBody(source, () => undefined, {
          slots: new UploadSlots(1),
          idleTimeoutMs: 1000,
          totalTimeoutMs: 100,
        }),
      );
      expect(err.code).toBe("TIMEOUT");
      expect(err.message).toMatch(/within 100 ms/);
    } finally {
      clearInterval(trickle);
    }
  });

  it("reports a source that closes before its end as INTERRUPTED", async () => {
    const source = new PassThrough();
    const done = pumpBody(source, () => undefined, {
      slots: new UploadSlots(1),
      idleTimeoutMs: 1000,
      totalTimeoutMs: 5000,
    });
    source.write("x");
    await sleep(5);
    source.destroy();
    expect((await failure(done)).code).toBe("INTERRUPTED");
  });

  it("stops at the first error write throws, and gives the slot back", async () => {
    const slots = new UploadSlots(1);
    const source = new PassThrough();
    source.write("x");
    const boom = new UploadError("BODY_TOO_LARGE", "too large");
    await expect(
      pumpBody(
        source,
        () => {
          throw boom;
        },
        { slots, idleTimeoutMs: 1000, totalTimeoutMs: 5000 },
      ),
    ).rejects.toBe(boom);
    expect(slots.inUse).toBe(0);
  });
});
