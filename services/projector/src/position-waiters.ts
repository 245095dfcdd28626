interface Waiter {
  position: number;
  resolve(): void;
  reject(err: Error): void;
}

/** Promises that settle when a projection reaches a position: woken by commits, never by a timer. */
export class PositionWaiters {
  private waiters: Waiter[] = [];
  private closed: Error | null = null;

  /** Resolves once `reached(p)` is called with p ≥ position (immediately if `current` already is). */
  wait(position: number, current: number, signal?: AbortSignal): Promise<void> {
    if (current >= position) return Promise.resolve();
    if (this.closed) return Promise.reject(this.closed);
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        position,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (err) => {
          signal?.removeEventListener("abort", onAbort);
          reject(err);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** The projection now stands at `position`. */
  reached(position: number): void {
    const due = this.waiters.filter((w) => w.position <= position);
    if (due.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const w of due) w.resolve();
  }

  /** Rejects every waiter and any later wait: the projector has stopped at `position`. */
  close(position: number): void {
    this.closed = new ProjectorStoppedError(`the projector stopped at position ${position}`);
    for (const w of this.waiters) w.reject(this.closed);
    this.waiters = [];
  }
}

/** The projector stopped before the position a caller was waiting for was reached. */
export class ProjectorStoppedError extends Error {
  override readonly name = "ProjectorStoppedError";
  readonly code = "PROJECTOR_STOPPED";
}
