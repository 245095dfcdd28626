import { UploadQueueFullError } from "./upload-slots";

/** One client address already has as many uploads open as it may. */
export class TooManyUploadsError extends Error {
  override readonly name = "TooManyUploadsError";
  readonly code = "TOO_MANY_UPLOADS";
}

/**
 * Counts open uploads (from the first header to the answer), per client address and in all, so one
 * client's stuck or slow connections cannot crowd out the others: past `perClient` that client is
 * told to wait (429), past `maxOpen` everyone is (503). An upload refused here is never read.
 */
export class UploadAdmission {
  private readonly open = new Map<string, number>();
  private total = 0;

  constructor(
    readonly perClient: number,
    readonly maxOpen: number,
  ) {}

  /** Admits one upload of `client`; the returned function ends it (once). */
  admit(client: string): () => void {
    const mine = this.open.get(client) ?? 0;
    if (mine >= this.perClient) {
      throw new TooManyUploadsError(
        `this address already has ${mine} uploads in progress; at most ${this.perClient} at once`,
      );
    }
    if (this.total >= this.maxOpen) {
      throw new UploadQueueFullError(`${this.total} uploads are in progress; try again shortly`);
    }
    this.open.set(client, mine + 1);
    this.total += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.total -= 1;
      const left = (this.open.get(client) ?? 1) - 1;
      if (left === 0) this.open.delete(client);
      else this.open.set(client, left);
    };
  }

  /** Uploads open now from `client` (or in all). */
  count(client?: string): number {
    return client === undefined ? this.total : (this.open.get(client) ?? 0);
  }
}
