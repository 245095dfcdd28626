export interface BatchingOptions<T> {
  /** Most items in one batch. */
  max: number;
  /** How long to wait for more once a batch has started, when more is known to be coming. */
  windowMs: number;
  /** True when nothing more is waiting after this item: the stream is at its head. */
  atHead?: (item: T) => boolean;
  /**
   * How long a started batch may wait for more once the stream is at its head, counted from the
   * batch's first item (default 0: a batch at the head is yielded at once). Live traffic then
   * forms batches of several items, each costing one transaction instead of one per item.
   */
  lingerMs?: number;
}

const TIMEOUT = Symbol("timeout");

/**
 * Groups an async stream into batches: a batch starts with the next item, takes whatever is
 * already waiting up to `max`, and is yielded when it is full, when the stream has gone quiet for
 * `windowMs` while more was known to be coming, or when the stream is at its head and `lingerMs`
 * have passed since the batch's first item (at once with no linger). Catching up gets big batches
 * without waiting; live traffic waits at most `lingerMs` (or `windowMs`, if longer) to share one.
 */
export async function* nextBatches<T>(
  source: AsyncIterable<T>,
  options: BatchingOptions<T>,
): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  const lingerMs = options.lingerMs ?? 0;
  // A next() that lost a race against the window stays pending and starts the following batch.
  let pending: Promise<IteratorResult<T>> | null = null;
  try {
    for (;;) {
      const first = await (pending ?? it.next());
      pending = null;
      if (first.done) return;
      const batch = [first.value];
      const startedAt = performance.now();
      const lingerUntil = startedAt + lingerMs;
      let deadline = startedAt + options.windowMs;
      while (batch.length < options.max) {
        if (options.atHead?.(batch[batch.length - 1]!)) {
          // Nothing more is waiting: yield now, or linger (once the head was seen, the whole batch
          // may take until lingerUntil, bursts in between included).
          if (performance.now() >= lingerUntil) break;
          deadline = Math.max(deadline, lingerUntil);
        }
        pending = it.next();
        const result = await within(pending, deadline - performance.now());
        if (result === TIMEOUT) break;
        pending = null;
        if (result.done) {
          yield batch;
          return;
        }
        batch.push(result.value);
      }
      yield batch;
    }
  } finally {
    // Not awaited: with a next() still pending, an async generator would queue the return
    // behind it. The owner of the source stops it, which settles both.
    void it.return?.()?.catch(() => undefined);
  }
}

/** The promise's value, or TIMEOUT; at least one macrotask passes, so a buffered item always wins. */
async function within<R>(promise: Promise<R>, ms: number): Promise<R | typeof TIMEOUT> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<typeof TIMEOUT>((r) => (timer = setTimeout(r, Math.max(0, ms), TIMEOUT))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
