import type { Readable } from "node:stream";
import { UploadError } from "./upload-error";
import type { ReleaseSlot, UploadSlots } from "./upload-slots";

export interface PumpOptions {
  slots: UploadSlots;
  /** No byte for this long: UploadError TIMEOUT. */
  idleTimeoutMs: number;
  /** The whole body must arrive within this: UploadError TIMEOUT. */
  totalTimeoutMs: number;
  /** A slot is given back when the client pauses this long, so a slow client holds none. */
  stallMs?: number;
  /**
   * The rate a client must keep up to hold a slot while it pauses: the bytes it sent since the slot
   * was taken earn it time to wait (1 byte earns 1000/rate ms, at most stallMs). A trickler's byte
   * earns microseconds, so it gives the slot back at once.
   */
  slotMinBytesPerSecond?: number;
}

/**
 * Reads `source` to its end into `write`, holding an upload slot only while bytes flow: a slot is
 * taken when a chunk is there to read and given back when the client pauses longer than its rate
 * so far has earned (at most `stallMs`), so slow clients hold none while they dawdle. A client that
 * sends nothing for `idleTimeoutMs`, or not all of it within `totalTimeoutMs`, gets UploadError
 * TIMEOUT; one that goes away, INTERRUPTED. `write` applies its own backpressure by returning a promise.
 */
export async function pumpBody(
  source: Readable,
  write: (chunk: Buffer) => void | Promise<void>,
  options: PumpOptions,
): Promise<void> {
  const stallMs = options.stallMs ?? 250;
  const bytesPerMs = (options.slotMinBytesPerSecond ?? 64 * 1024) / 1000;
  const deadline = Date.now() + options.totalTimeoutMs;
  const events = new SourceEvents(source);
  let lastByteAt = Date.now();
  let release: ReleaseSlot | null = null;
  let heldSince = 0;
  let heldBytes = 0;
  try {
    for (;;) {
      const chunk = source.read() as Buffer | null;
      if (chunk !== null) {
        lastByteAt = Date.now();
        if (!release) {
          release = await options.slots.acquire(deadline - lastByteAt);
          heldSince = Date.now();
          heldBytes = 0;
        }
        heldBytes += chunk.length;
        await write(chunk);
        continue;
      }
      if (events.failure) {
        throw new UploadError("INTERRUPTED", "the upload was interrupted", { cause: events.failure });
      }
      if (events.ended) return;
      const now = Date.now();
      if (now >= deadline) {
        throw new UploadError("TIMEOUT", `the upload did not arrive within ${options.totalTimeoutMs} ms`);
      }
      if (release) {
        const earnedMs = heldBytes / bytesPerMs - (now - heldSince);
        const waitMs = Math.min(stallMs, earnedMs, deadline - now);
        if (waitMs > 0 && (await events.next(waitMs))) continue;
        release();
        release = null;
        continue;
      }
      const idleLeft = lastByteAt + options.idleTimeoutMs - now;
      if (idleLeft <= 0) {
        throw new UploadError("TIMEOUT", `no byte of the upload arrived for ${options.idleTimeoutMs} ms`);
      }
      await events.next(Math.min(idleLeft, deadline - now));
    }
  } finally {
    release?.();
    events.dispose();
  }
}

/** Wakes the pump when the source has data, ends, fails or closes. */
class SourceEvents {
  ended = false;
  failure: Error | null = null;
  private wake: (() => void) | null = null;
  private readonly onReadable = () => this.notify();
  private readonly onEnd = () => {
    this.ended = true;
    this.notify();
  };
  private readonly onError = (err: Error) => {
    this.failure ??= err;
    this.notify();
  };
  private readonly onClose = () => {
    // Closed before its end: the client went away (IncomingMessage "aborted").
    if (!this.ended) this.failure ??= new Error("the connection closed before the body ended");
    this.notify();
  };

  constructor(private readonly source: Readable) {
    source.on("readable", this.onReadable);
    source.on("end", this.onEnd);
    source.on("error", this.onError);
    source.on("close", this.onClose);
    if (source.readableEnded) this.ended = true;
    if (source.errored) this.failure = source.errored;
  }

  /** Resolves true when something happened, false after `timeoutMs` of nothing. */
  next(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.wake = null;
          resolve(false);
        },
        Math.max(0, timeoutMs),
      );
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve(true);
      };
    });
  }

  dispose(): void {
    this.source.off("readable", this.onReadable);
    this.source.off("end", this.onEnd);
    this.source.off("error", this.onError);
    this.source.off("close", this.onClose);
    // A body refused half-way may still fail later (the client resets); that is nobody's error now.
    this.source.on("error", () => undefined);
  }

  private notify(): void {
    this.wake?.();
  }
}
