/** A client has submitted more pixels this minute than its budget allows. */
export class PixelBudgetExceededError extends Error {
  override readonly name = "PixelBudgetExceededError";
  readonly code = "PIXEL_BUDGET_EXCEEDED";
  constructor(
    message: string,
    /** Seconds until the budget has room again. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

interface Bucket {
  pixels: number;
  at: number;
}

/** Buckets kept before the full (idle) ones are swept. */
const SWEEP_ABOVE = 10_000;

/**
 * A budget of pixels per client address per minute (a token bucket refilled continuously), charged
 * with each accepted image's width x height from its header. Every image is decoded once downstream
 * (the caption stage), so this bounds the decoding one client can cause, whatever the bytes weigh:
 * a 47 KB PNG of 49 MP costs as much as it would take to decode. A client may overdraw by one image,
 * so a budget below MAX_IMAGE_PIXELS still lets a large image through now and then.
 */
export class PixelBudget {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    /** Pixels per minute per client; 0 turns the budget off. */
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Charges `pixels` to `client`, or throws PixelBudgetExceededError while its budget is spent. */
  charge(client: string, pixels: number): void {
    if (this.perMinute === 0) return;
    const now = this.now();
    const bucket = this.refilled(client, now);
    if (bucket.pixels <= 0) {
      const seconds = Math.max(1, Math.ceil((1 - bucket.pixels) / this.perMs / 1000));
      throw new PixelBudgetExceededError(
        `this address has submitted more than ${this.perMinute} pixels in the last minute; try again in ${seconds} s`,
        seconds,
      );
    }
    bucket.pixels -= pixels;
    this.buckets.set(client, bucket);
    if (this.buckets.size > SWEEP_ABOVE) this.sweep(now);
  }

  private refilled(client: string, now: number): Bucket {
    const bucket = this.buckets.get(client);
    if (!bucket) return { pixels: this.perMinute, at: now };
    return { pixels: Math.min(this.perMinute, bucket.pixels + (now - bucket.at) * this.perMs), at: now };
  }

  private sweep(now: number): void {
    for (const [client] of this.buckets) {
      if (this.refilled(client, now).pixels >= this.perMinute) this.buckets.delete(client);
    }
  }
}
