export interface BatchingOptions<T> {
  /** Most items in one batch. */
  max: number;
  /** How long to wait for more once a batch has started, when more is known to be coming. */
  windowMs: number;
  /** True when nothing more is waiting after this item: the batch is yielded at once. */
  atHead?: (item: T) => boolean;
}

const TIMEOUT = Symbol("timeout");

/**
 * Groups an async stream into batches: a batch starts with the next item, takes whatever is
 * already waiting up to `max`, and is yielded as soon as the stream is at its head, is full, or
 * has gone quiet for `windowMs`. Catching up gets big batches; live traffic gets no added delay.
 */
export async function* nextBatches<T>(
  source: AsyncIterable<T>,
  options: BatchingOptions<T>,
): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  // A next() that lost a race against the window stays pending and starts the following batch.
  let pending: Promise<IteratorResult<T>> | null = null;
  try {
    for (;;) {
      const first = await (pending ?? it.next());
      pending = null;
      if (first.done) return;
      const batch = [first.value];
      const deadline = performance.now() + options.windowMs;
      while (batch.length < options.max && !options.atHead?.(batch[batch.length - 1]!)) {
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
