import { EventStoreUnavailableError } from "./errors";

/**
 * The messages an ordered consumer delivers, from its start through position `until` (the stream's
 * head when the read began), and an EventStoreUnavailableError rather than a short read: the read
 * ends at `until` and nowhere before. The consumer's pending count is not taken for the end: while
 * a stream's leader changes it was seen at 0 hundreds of messages before the head (the chaos suite's
 * cluster failover: a verify that read 1,599 of 1,600 events, another ~400 of 800), and a read that
 * stopped there silently lost the rest.
 */
export async function* readThrough<M extends { seq: number }>(
  iterator: AsyncIterator<M>,
  until: number,
  idleMs: number,
  what: () => string,
): AsyncGenerator<M> {
  let last = 0;
  while (last < until) {
    const next = await nextWithin(iterator, idleMs, () => `${what()} (at ${last} of ${until})`);
    if (next.done) {
      throw new EventStoreUnavailableError(`${what()}: the read ended at ${last}, before position ${until}`);
    }
    const m = next.value;
    if (m.seq > until) return;
    last = m.seq;
    yield m;
  }
}

/**
 * The next message, or an EventStoreUnavailableError when none comes within `ms` although more is
 * known to be there: after a NATS restart an ordered consumer can sit silent for ~40 s before the
 * client notices, and a reader that fails fast is retried sooner than one that waits.
 */
async function nextWithin<T>(
  iterator: AsyncIterator<T>,
  ms: number,
  what: () => string,
): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new EventStoreUnavailableError(`${what()}: no message for ${ms} ms`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
