import type { AnyDomainEvent, DomainEvent, Stage } from "@reimagine/contracts";
import { failedStage, foldRequest, newEvent } from "@reimagine/contracts";
import type { EventStore } from "@reimagine/eventstore";
import { ConcurrencyError } from "@reimagine/eventstore";
import { currentTraceparent } from "@reimagine/platform";
import { UnknownRequestError } from "./unknown-request-error";

/** The request has not failed, so there is nothing to retry. */
export class NotFailedError extends Error {
  override readonly name = "NotFailedError";
  readonly code = "REQUEST_NOT_FAILED";
  constructor(
    readonly requestId: string,
    readonly status: string,
  ) {
    super(`request ${requestId} has not failed (status: ${status}); only a failed stage can be retried`);
  }
}

/** The request's images expired (retention): no stage can run again. */
export class ImagesExpiredError extends Error {
  override readonly name = "ImagesExpiredError";
  readonly code = "IMAGES_EXPIRED";
  constructor(readonly requestId: string) {
    super(`the images of request ${requestId} have expired; it cannot be retried`);
  }
}

/**
 * Appends RetryRequested for the stage that failed, so that stage's handler runs again.
 * Guarded by the request's version: two operators retrying at once produce one retry. An event
 * that changes nothing about the failure (the person being told of it) landing meanwhile is no
 * reason to refuse: the retry is decided again on the fresh history, once or twice.
 */
export async function requestRetry(
  store: EventStore,
  requestId: string,
  options: { requestedBy: string; reason?: string },
): Promise<DomainEvent<"RetryRequested">> {
  let first: { stage: Stage; retries: number } | undefined;
  for (let round = 1; ; round++) {
    const history = await store.readRequest(requestId);
    if (history.events.length === 0) throw new UnknownRequestError(requestId);
    const state = foldRequest(
      requestId,
      history.events.map((s) => s.event),
    );
    if (state.imagesExpiredAt) throw new ImagesExpiredError(requestId);
    const stage = failedStage(state);
    if (!stage) throw new NotFailedError(requestId, state.status);
    first ??= { stage, retries: state.retries[stage] };
    if (stage !== first.stage || state.retries[stage] !== first.retries) throw changedMeanwhile(requestId);
    const event = retryEvent(requestId, stage, history.events.at(-1)!.event, options);
    try {
      await store.append(requestId, [event], history.version);
      return event;
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      if (round >= 3) throw changedMeanwhile(requestId);
    }
  }
}

function changedMeanwhile(requestId: string): NotFailedError {
  return new NotFailedError(requestId, "changed while retrying (someone else acted first)");
}

function retryEvent(
  requestId: string,
  stage: Stage,
  last: AnyDomainEvent,
  options: { requestedBy: string; reason?: string },
): DomainEvent<"RetryRequested"> {
  const traceparent = currentTraceparent();
  return newEvent(
    "RetryRequested",
    requestId,
    { stage, requestedBy: options.requestedBy, ...(options.reason ? { reason: options.reason } : {}) },
    {
      correlationId: last.metadata.correlationId,
      causationId: last.id,
      ...(traceparent ? { traceparent } : {}),
    },
  );
}
