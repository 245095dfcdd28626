/**
 * Collects a file's bytes as they stream in. With a size hint (the request's Content-Length, which
 * bounds the file) the bytes are copied into one buffer as they arrive, so the upload is held once
 * rather than as chunks plus their concatenation; without one, chunks are joined at the end.
 */
export class ByteCollector {
  private readonly target: Buffer | null;
  private chunks: Buffer[] = [];
  private length = 0;

  constructor(sizeHint?: number) {
    this.target = sizeHint !== undefined && sizeHint > 0 ? Buffer.allocUnsafe(sizeHint) : null;
  }

  get size(): number {
    return this.length;
  }

  push(chunk: Buffer): void {
    if (this.target && this.length + chunk.length <= this.target.length) {
      chunk.copy(this.target, this.length);
    } else {
      // More than the hint promised (or no hint): keep the chunks and join them at the end.
      if (this.target && this.chunks.length === 0) this.chunks.push(this.target.subarray(0, this.length));
      this.chunks.push(chunk);
    }
    this.length += chunk.length;
  }

  /** The bytes so far, as one buffer (a view of the collector's own memory when it can be). */
  bytes(): Buffer {
    if (this.chunks.length === 0) return (this.target ?? Buffer.alloc(0)).subarray(0, this.length);
    return Buffer.concat(this.chunks, this.length);
  }

  /** Lets go of everything collected (an upload refused half-way). */
  discard(): void {
    this.chunks = [];
  }
}
