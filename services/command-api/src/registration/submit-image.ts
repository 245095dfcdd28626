import type { BlobStore } from "@reimagine/blobs";
import { newEvent } from "@reimagine/contracts";
import type { EventStore } from "@reimagine/eventstore";
import type { Logger } from "@reimagine/platform";
import { currentTraceparent } from "@reimagine/platform";
import { v7 as uuidv7 } from "uuid";
import { originalKey } from "./original-key";
import type { Registration } from "./registration";

export interface SubmitImageDeps {
  store: EventStore;
  blobs: BlobStore;
  originalsBucket: string;
  logger: Logger;
  /** True once the client has gone away: it will never read its answer, so nothing is registered. */
  clientGone?: () => boolean;
}

/** The client left before its answer, and before the request was registered: nothing was. */
export class ClientGoneError extends Error {
  override readonly name = "ClientGoneError";
  readonly code = "CLIENT_GONE";
}

/**
 * Registers one request: the original goes to the blob store first, then ImageSubmitted is appended
 * with expected "no stream yet", so no event ever points at nothing. Safe to repeat for one request
 * id and registration (an idempotent retry): the object is rewritten with the same bytes, and the
 * append finds the request registered and does nothing. When the append fails and the request is
 * not registered, the object is removed again and the append's error is thrown. The append is the
 * point of no return: a client gone by then (checked right before it) registers nothing, its
 * original is removed and ClientGoneError is thrown, so a retry with its Idempotency-Key runs again.
 */
export async function submitImage(
  deps: SubmitImageDeps,
  requestId: string,
  registration: Registration,
): Promise<void> {
  const { image } = registration;
  const key = originalKey(requestId, image.format);
  if (deps.clientGone?.()) throw new ClientGoneError("the client closed the connection before its answer");
  await deps.blobs.put(deps.originalsBucket, key, image.bytes, { contentType: image.contentType });
  const commandId = uuidv7();
  const traceparent = currentTraceparent();
  const event = newEvent(
    "ImageSubmitted",
    requestId,
    {
      email: registration.email,
      originalKey: key,
      contentType: image.contentType,
      bytes: image.bytes.length,
      width: image.width,
      height: image.height,
      sha256: image.sha256,
    },
    { correlationId: requestId, causationId: commandId, ...(traceparent ? { traceparent } : {}) },
  );
  if (deps.clientGone?.()) {
    await removeOrphan(deps, key, requestId);
    throw new ClientGoneError("the client closed the connection before its answer; nothing was registered");
  }
  try {
    await deps.store.append(requestId, [event], "no_stream");
  } catch (err) {
    // A lost race with a retry of the same key, or an ack lost after the write: the log decides.
    if (await isRegistered(deps.store, requestId)) return;
    await removeOrphan(deps, key, requestId);
    throw err;
  }
}

async function isRegistered(store: EventStore, requestId: string): Promise<boolean> {
  try {
    const history = await store.readRequest(requestId);
    return history.events.some((s) => s.event.type === "ImageSubmitted");
  } catch {
    // The log cannot be read either (NATS is down): nothing could have been appended meanwhile
    // that this attempt would orphan, short of a retake of an idempotency claim in that window.
    return false;
  }
}

/** Removes an original no event points at; a failure is logged with the key for operators. */
async function removeOrphan(deps: SubmitImageDeps, key: string, requestId: string): Promise<void> {
  try {
    await deps.blobs.remove(deps.originalsBucket, key);
  } catch (err) {
    deps.logger.error(
      { err, requestId, bucket: deps.originalsBucket, key },
      "could not remove the original after a failed append; the object is orphaned",
    );
  }
}
