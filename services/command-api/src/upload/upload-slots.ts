/** Too many uploads are already waiting for a slot. */
export class UploadQueueFullError extends Error {
  override readonly name = "UploadQueueFullError";
  readonly code = "UPLOAD_QUEUE_FULL";
}

/**
 * Bounds how many uploads are read and judged at once. An upload waiting for a slot has not been
 * read yet, so its bytes wait in the socket (TCP backpressure), not in memory: a burst costs at most
 * `slots` times the upload limit. Beyond `maxWaiting` queued uploads, callers are told to come back.
 */
export class UploadSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly slots: number,
    private readonly maxWaiting = slots * 16,
  ) {
    if (!Number.isSafeInteger(slots) || slots < 1) throw new RangeError(`slots must be ≥ 1, got ${slots}`);
    this.free = slots;
  }

  /** Runs `work` once a slot is free, and frees the slot when it settles. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** Uploads being processed now. */
  get inUse(): number {
    return this.slots - this.free;
  }

  private acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(new UploadQueueFullError(`${this.waiting.length} uploads are already waiting`));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next in line, so a newcomer cannot overtake it.
    if (next) next();
    else this.free += 1;
  }
}
