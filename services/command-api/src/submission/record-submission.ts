import type { BlobStore } from "@reimagine/blobs";
import { newEvent, type PersonalData } from "@reimagine/contracts";
import type { EventStore } from "@reimagine/eventstore";
import type { Logger } from "@reimagine/platform";
import { currentTraceparent } from "@reimagine/platform";
import type { Vault } from "@reimagine/vault";
import { v7 as uuidv7 } from "uuid";
import { hashCancelToken } from "../cancel/cancel-token";
import type { ImageInfo } from "../upload/inspect-image";
import type { Submission } from "./submission";

export interface RecordSubmissionDeps {
  store: EventStore;
  blobs: BlobStore;
  vault: Vault;
  originalsBucket: string;
  logger: Logger;
  /** True once the client has gone away: it will never read its answer, so nothing is recorded. */
  clientGone?: () => boolean;
}

/** The client left before its answer, and before the request was recorded: nothing was. */
export class ClientGoneError extends Error {
  override readonly name = "ClientGoneError";
  readonly code = "CLIENT_GONE";
}

/**
 * Records one request: the original goes to the blob store and the address (with the webhook URL,
 * if any) is sealed under the request's new data key first, then ImageSubmitted (with the cancel
 * token's hash) is appended with expected "no stream yet", so no event ever points at nothing (nor
 * at a key that is not there). Safe to repeat for one request id and submission (an idempotent
 * retry): the object is rewritten with the same bytes, the address sealed under the same key, and
 * the append finds the request recorded and does nothing. When the append fails and the request is
 * not recorded, the object (and, when the log says so for sure, the key) is removed again and the
 * append's error is thrown. The append is the point of no return:
 * a client gone by then (checked right before it) records nothing, what this attempt stored is
 * removed and ClientGoneError is thrown, so a retry with its Idempotency-Key runs again.
 */
export async function recordSubmission(
  deps: RecordSubmissionDeps,
  requestId: string,
  submission: Submission,
  cancelToken: string,
): Promise<void> {
  const { image } = submission;
  const key = originalKey(requestId, image.format);
  if (deps.clientGone?.()) throw new ClientGoneError("the client closed the connection before its answer");
  // Both before the event, neither waiting for the other.
  const [stored, sealing] = await Promise.allSettled([
    deps.blobs.put(deps.originalsBucket, key, image.bytes, { contentType: image.contentType }),
    deps.vault.seal(requestId, personalDataOf(submission)),
  ]);
  if (stored.status === "rejected" || sealing.status === "rejected") {
    const what = { blob: stored.status === "fulfilled", key: sealing.status === "fulfilled" };
    if (await discardAttempt(deps, requestId, key, what)) return;
    throw stored.status === "rejected" ? stored.reason : (sealing as PromiseRejectedResult).reason;
  }
  const sealed = sealing.value;
  const commandId = uuidv7();
  const traceparent = currentTraceparent();
  const event = newEvent(
    "ImageSubmitted",
    requestId,
    {
      personal: { sealed },
      originalKey: key,
      contentType: image.contentType,
      bytes: image.bytes.length,
      width: image.width,
      height: image.height,
      sha256: image.sha256,
      // the URL itself is sealed with the address: the log only says there is one
      ...(submission.webhookUrl === null ? {} : { webhookSealed: true as const }),
      cancelTokenHash: hashCancelToken(cancelToken),
    },
    { correlationId: requestId, causationId: commandId, ...(traceparent ? { traceparent } : {}) },
  );
  if (deps.clientGone?.()) {
    if (await discardAttempt(deps, requestId, key, { blob: true, key: true })) return;
    throw new ClientGoneError("the client closed the connection before its answer; nothing was recorded");
  }
  try {
    await deps.store.append(requestId, [event], "no_stream");
  } catch (err) {
    // A lost race with a retry of the same key, or an ack lost after the write: the log decides.
    if (await discardAttempt(deps, requestId, key, { blob: true, key: true })) return;
    throw err;
  }
}

/** What identifies the person in a submission, all sealed under the request's data key. */
function personalDataOf({ email, webhookUrl }: Submission): PersonalData {
  return webhookUrl === null ? { email } : { email, webhookUrl };
}

/**
 * Undoes what a failed attempt stored, unless the log shows the request recorded after all (true
 * then: an earlier attempt or a lost ack did it, and nothing is undone).
 */
async function discardAttempt(
  deps: RecordSubmissionDeps,
  requestId: string,
  key: string,
  stored: { blob: boolean; key: boolean },
): Promise<boolean> {
  const recorded = await isRecorded(deps.store, requestId);
  if (recorded === true) return true;
  if (stored.blob) await removeOrphan(deps, key, requestId);
  // Erasing a key that an event in the log did use would make that address unreadable for good,
  // so it goes only when the log says for sure that nothing was written.
  if (stored.key && recorded === false) await forgetOrphanKey(deps, requestId);
  return false;
}

/** Whether the log holds the request's ImageSubmitted; null when the log cannot be read. */
async function isRecorded(store: EventStore, requestId: string): Promise<boolean | null> {
  try {
    const history = await store.readRequest(requestId);
    return history.events.some((s) => s.event.type === "ImageSubmitted");
  } catch {
    // The log cannot be read either (NATS is down): nothing could have been appended meanwhile
    // that this attempt would orphan, short of a retake of an idempotency claim in that window.
    return null;
  }
}

async function forgetOrphanKey(deps: RecordSubmissionDeps, requestId: string): Promise<void> {
  try {
    await deps.vault.forget(requestId);
  } catch (err) {
    // An unused key: `reimagine forget --email` still finds and erases it.
    deps.logger.error({ err, requestId }, "could not erase the data key after a failed append");
  }
}

/** Removes an original no event points at; a failure is logged with the key for operators. */
async function removeOrphan(deps: RecordSubmissionDeps, key: string, requestId: string): Promise<void> {
  try {
    await deps.blobs.remove(deps.originalsBucket, key);
  } catch (err) {
    deps.logger.error(
      { err, requestId, bucket: deps.originalsBucket, key },
      "could not remove the original after a failed submission; the object is orphaned",
    );
  }
}

const EXTENSIONS: Record<ImageInfo["format"], string> = { jpeg: "jpg", png: "png", webp: "webp" };

/** Where a request's original lives in the originals bucket: `<requestId>/original.<ext>`. */
function originalKey(requestId: string, format: ImageInfo["format"]): string {
  return `${requestId}/original.${EXTENSIONS[format]}`;
}
