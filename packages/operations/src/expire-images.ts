import type { BlobStore } from "@reimagine/blobs";
import { type DomainEvent, foldRequest, newEvent, type RemovedBlob } from "@reimagine/contracts";
import { ConcurrencyError, type EventStore } from "@reimagine/eventstore";
import type { Logger } from "@reimagine/platform";
import { type RequestBuckets, removeRequestBlobs } from "./request-blobs";

export interface ExpireDeps {
  store: EventStore;
  blobs: BlobStore;
  buckets: RequestBuckets;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Removes a request's images once `retentionDays` have passed since it was submitted, and records
 * what went as ImagesExpired (appended with the version read, so two sweepers record it once).
 * Null when nothing is due: too young, expired or erased already. The log decides, not the caller.
 */
export async function expireRequestImages(
  deps: ExpireDeps,
  requestId: string,
  options: { retentionDays: number; now: Date },
): Promise<DomainEvent<"ImagesExpired"> | null> {
  const cutoff = options.now.getTime() - options.retentionDays * DAY_MS;
  const removed: RemovedBlob[] = [];
  for (let round = 1; ; round++) {
    const history = await deps.store.readRequest(requestId);
    const events = history.events.map((s) => s.event);
    const state = foldRequest(requestId, events);
    if (!state.createdAt || state.erasedAt || state.imagesExpiredAt || Date.parse(state.createdAt) > cutoff) {
      return null;
    }
    removed.push(...(await removeRequestBlobs(deps.blobs, deps.buckets, requestId, events)));
    const last = events.at(-1)!;
    const event = newEvent(
      "ImagesExpired",
      requestId,
      { retentionDays: options.retentionDays, removed },
      { correlationId: last.metadata.correlationId, causationId: last.id },
    );
    try {
      await deps.store.append(requestId, [event], history.version);
      return event;
    } catch (err) {
      // a stage appended meanwhile (its image is removed on the next round), or another sweeper won
      if (!(err instanceof ConcurrencyError) || round >= 3) throw err;
    }
  }
}

export interface SweepOptions {
  retentionDays: number;
  now?: Date;
  /** Requests submitted before `createdBefore` that may still hold images, in id order after `after`. */
  candidates(createdBefore: Date, after: string | undefined, limit: number): Promise<string[]>;
  /** Asked before each page; false stops the sweep (e.g. its lease was lost). */
  keepGoing?(): Promise<boolean>;
  pageSize?: number;
  logger: Logger;
}

/** What one sweep did. */
export interface SweepResult {
  checked: number;
  expired: number;
  removed: number;
  failed: number;
  /** False when keepGoing stopped it before the end. */
  complete: boolean;
}

/**
 * One pass of the retention sweep: every candidate is checked against its own events and its
 * images removed when due. A request that fails (the blob store hiccups) is logged and left for the
 * next sweep; the others go on.
 */
export async function sweepExpiredImages(deps: ExpireDeps, options: SweepOptions): Promise<SweepResult> {
  const now = options.now ?? new Date();
  const createdBefore = new Date(now.getTime() - options.retentionDays * DAY_MS);
  const result: SweepResult = { checked: 0, expired: 0, removed: 0, failed: 0, complete: true };
  let after: string | undefined;
  for (;;) {
    if (options.keepGoing && !(await options.keepGoing())) return { ...result, complete: false };
    const page = await options.candidates(createdBefore, after, options.pageSize ?? 200);
    for (const requestId of page) {
      result.checked++;
      try {
        const event = await expireRequestImages(deps, requestId, {
          retentionDays: options.retentionDays,
          now,
        });
        if (!event) continue;
        result.expired++;
        result.removed += event.data.removed.length;
        options.logger.info({ requestId, removed: event.data.removed.length }, "images expired");
      } catch (err) {
        result.failed++;
        options.logger.warn(
          { err, requestId },
          "could not expire a request's images; the next sweep tries again",
        );
      }
    }
    if (page.length < (options.pageSize ?? 200)) return result;
    after = page.at(-1);
  }
}
