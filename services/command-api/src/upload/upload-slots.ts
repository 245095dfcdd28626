/** No upload slot came free in time, or too many uploads are already waiting for one. */
export class UploadQueueFullError extends Error {
  override readonly name = "UploadQueueFullError";
  readonly code = "UPLOAD_QUEUE_FULL";
}

/** Gives a slot back; calling it twice gives back one slot. */
export type ReleaseSlot = () => void;

/**
 * Bounds how many uploads are read at once. A slot is held only while an upload's bytes flow (see
 * pumpBody): an upload waiting for a slot is not read, so its bytes wait in the socket (TCP
 * backpressure), not in memory; an upload whose client pauses gives its slot back. Beyond
 * `maxWaiting` queued uploads, callers are told to come back.
 */
export class UploadSlots {
  private free: number;
  private readonly waiting: { grant: (release: ReleaseSlot) => void }[] = [];

  constructor(
    readonly slots: number,
    private readonly maxWaiting = slots * 16,
  ) {
    if (!Number.isSafeInteger(slots) || slots < 1) throw new RangeError(`slots must be ≥ 1, got ${slots}`);
    this.free = slots;
  }

  /** Uploads reading now. */
  get inUse(): number {
    return this.slots - this.free;
  }

  /** Resolves with a release function once a slot is free; UploadQueueFullError after `timeoutMs`. */
  acquire(timeoutMs = Number.POSITIVE_INFINITY): Promise<ReleaseSlot> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(new UploadQueueFullError(`${this.waiting.length} uploads are already waiting`));
    }
    return new Promise((resolve, reject) => {
      const waiter = { grant: resolve };
      this.waiting.push(waiter);
      if (!Number.isFinite(timeoutMs)) return;
      setTimeout(
        () => {
          const at = this.waiting.indexOf(waiter);
          if (at < 0) return;
          this.waiting.splice(at, 1);
          reject(new UploadQueueFullError(`no upload slot came free within ${Math.round(timeoutMs)} ms`));
        },
        Math.max(0, timeoutMs),
      ).unref();
    });
  }

  private releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next in line, so a newcomer cannot overtake it.
      if (next) next.grant(this.releaser());
      else this.free += 1;
    };
  }
}
