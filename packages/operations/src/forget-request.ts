import type { BlobStore } from "@reimagine/blobs";
import { type AnyDomainEvent, type DomainEvent, newEvent, type RemovedBlob } from "@reimagine/contracts";
import { ConcurrencyError, type EventStore } from "@reimagine/eventstore";
import { currentTraceparent } from "@reimagine/platform";
import type { Vault } from "@reimagine/vault";
import { type RequestBuckets, removeRequestBlobs } from "./request-blobs";
import { UnknownRequestError } from "./unknown-request-error";

export interface ForgetDeps {
  store: EventStore;
  vault: Vault;
  blobs: BlobStore;
  buckets: RequestBuckets;
}

/** What `forget` did for one request, and what it could not do. Holds no personal data. */
export interface ForgetReport {
  requestId: string;
  /** The request was erased before this call: nothing new was recorded. */
  alreadyErased: boolean;
  /** A data key was erased now (false for a version-1 request, or when it was gone already). */
  keyErased: boolean;
  /** The objects removed now. */
  removed: RemovedBlob[];
  /**
   * The log itself still holds personal data in clear text: the address of a version-1
   * ImageSubmitted, or a webhook URL written before it was sealed.
   */
  clearTextInLog: boolean;
  /** The ErasureCompleted appended now, or null when the request was already erased. */
  eventId: string | null;
}

/** Appends racing with the request's own stages: each lost race means a fresh look. */
const ROUNDS = 5;

/**
 * Forgets one request: erases its data key (so the sealed address in the log never opens again),
 * removes its images, and appends ErasureCompleted, which the read model shows as `erased`. The log
 * itself is not changed. Idempotent: a request already erased gets its leftovers removed again (an
 * image written by a stage that raced the erasure) and nothing new in the log.
 */
export async function forgetRequest(
  deps: ForgetDeps,
  requestId: string,
  options: { requestedBy: string },
): Promise<ForgetReport> {
  let keyErased = false;
  const removed: RemovedBlob[] = [];
  for (let round = 1; ; round++) {
    const history = await deps.store.readRequest(requestId);
    const events = history.events.map((s) => s.event);
    if (events.length === 0) throw new UnknownRequestError(requestId);
    // 1. the key: from here on, nothing can read the address any more
    if (await deps.vault.forget(requestId)) keyErased = true;
    // 2. the images
    removed.push(...(await removeRequestBlobs(deps.blobs, deps.buckets, requestId, events)));
    const clearTextInLog = events.some(
      (e) => e.type === "ImageSubmitted" && ("clear" in e.data.personal || e.data.webhookUrl !== undefined),
    );
    const data = { requestedBy: options.requestedBy, keyErased, removed, clearTextInLog };
    if (events.some((e) => e.type === "ErasureCompleted")) {
      return { requestId, keyErased, removed, clearTextInLog, alreadyErased: true, eventId: null };
    }
    // 3. the fact, guarded by the history just read: a stage that appended meanwhile may have stored
    //    an image, so a lost race goes round again (the key is gone already, so stages now fail).
    const event = erasureCompleted(events.at(-1)!, data);
    try {
      await deps.store.append(requestId, [event], history.version);
      return { requestId, keyErased, removed, clearTextInLog, alreadyErased: false, eventId: event.id };
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || round >= ROUNDS) throw err;
    }
  }
}

function erasureCompleted(
  last: AnyDomainEvent,
  data: DomainEvent<"ErasureCompleted">["data"],
): DomainEvent<"ErasureCompleted"> {
  const traceparent = currentTraceparent();
  return newEvent("ErasureCompleted", last.requestId, data, {
    correlationId: last.metadata.correlationId,
    causationId: last.id,
    ...(traceparent ? { traceparent } : {}),
  });
}
