import type { RequestStatusName } from "../api";
import { maskEmail } from "../email-address";
import type { AnyDomainEvent } from "../events/domain-event";
import { type FailureCategory, type FailureFacts, failureCategoryOf } from "../events/failure-category";
import type { PersonalDataField, SealedData } from "../events/personal-data";
import type { Stage } from "../events/stage";

/**
 * How a request refers to its person: the sealed data, opened with the request's key where the
 * address is needed; or, for a version-1 request that wrote its address in clear text, only the
 * masked form, so that no clear address leaves the log (nor reaches the read model).
 */
export type ContactRef = { sealed: SealedData } | { masked: string };

/**
 * Where telling the person of a failure stands: `due` once a caption or generation failed for
 * good, `sent` once the email went out, `failed` when it could not be delivered; null otherwise
 * (no failure, a failed email, or an operator's retry took the request back).
 */
export type FailureNoticeState = "due" | "sent" | "failed";

/** Everything the system knows about one request, folded from its events. */
export interface RequestState {
  requestId: string;
  /** False until ImageSubmitted: nothing else can come first. */
  submitted: boolean;
  status: RequestStatusName;
  /** Null before ImageSubmitted and once the person's data is erased. */
  contact: ContactRef | null;
  originalKey: string | null;
  originalContentType: string | null;
  caption: string | null;
  captionProvider: string | null;
  captionModel: string | null;
  generatedImageKey: string | null;
  generatedContentType: string | null;
  generationProvider: string | null;
  generationModel: string | null;
  notificationMessageId: string | null;
  /** The last failure: `message` is the event's full reason (operators only), `category` is public. */
  error: { stage: Stage; category: FailureCategory; message: string; attempts: number } | null;
  failureNotice: FailureNoticeState | null;
  /** When the retention sweep removed the images; no stage runs after that. */
  imagesExpiredAt: string | null;
  /** When the person's data was erased; the request then stays `erased` whatever follows. */
  erasedAt: string | null;
  /** How many operator retries each stage has had: part of a re-run's identity. */
  retries: Record<Stage, number>;
  createdAt: string | null;
  updatedAt: string | null;
  history: { type: string; at: string }[];
}

/** The state of a request no event has touched yet. */
export function initialRequestState(requestId: string): RequestState {
  return {
    requestId,
    submitted: false,
    status: "pending",
    contact: null,
    originalKey: null,
    originalContentType: null,
    caption: null,
    captionProvider: null,
    captionModel: null,
    generatedImageKey: null,
    generatedContentType: null,
    generationProvider: null,
    generationModel: null,
    notificationMessageId: null,
    error: null,
    failureNotice: null,
    imagesExpiredAt: null,
    erasedAt: null,
    retries: { caption: 0, generation: 0, notification: 0 },
    createdAt: null,
    updatedAt: null,
    history: [],
  };
}

/** The status a stage's retry goes back to: the status in which that stage is due. */
const statusBefore: Record<Stage, RequestStatusName> = {
  caption: "pending",
  generation: "captioned",
  notification: "generated",
};

/** Applies one event to the state. Pure: the projector, the API and the handlers all use it. */
export function evolveRequest(state: RequestState, event: AnyDomainEvent): RequestState {
  const s: RequestState = {
    ...state,
    updatedAt: event.occurredAt,
    history: [...state.history, { type: event.type, at: event.occurredAt }],
  };
  // Erasure is final: what comes after it is history, never data again.
  if (state.erasedAt !== null) return s;
  switch (event.type) {
    case "ImageSubmitted":
      return {
        ...s,
        submitted: true,
        status: "pending",
        contact: contactOf(event.data.personal),
        originalKey: event.data.originalKey,
        originalContentType: event.data.contentType,
        createdAt: event.occurredAt,
      };
    case "CaptionProduced":
      return {
        ...s,
        status: "captioned",
        caption: event.data.caption,
        captionProvider: event.data.provider,
        captionModel: event.data.model,
        error: null,
      };
    case "ImageGenerated":
      return {
        ...s,
        status: "generated",
        generatedImageKey: event.data.imageKey,
        generatedContentType: event.data.contentType,
        generationProvider: event.data.provider,
        generationModel: event.data.model,
        error: null,
      };
    case "UserNotified":
      return { ...s, status: "notified", notificationMessageId: event.data.messageId, error: null };
    case "CaptionFailed":
      return { ...s, status: "failed", error: failure("caption", event.data), failureNotice: "due" };
    case "GenerationFailed":
      return { ...s, status: "failed", error: failure("generation", event.data), failureNotice: "due" };
    case "NotificationFailed":
      // the person's address is what just failed: there is nobody to tell
      return { ...s, status: "failed", error: failure("notification", event.data), failureNotice: null };
    case "RetryRequested":
      return {
        ...s,
        status: statusBefore[event.data.stage],
        error: null,
        failureNotice: null,
        retries: { ...s.retries, [event.data.stage]: s.retries[event.data.stage] + 1 },
      };
    case "FailureNotified":
      return { ...s, failureNotice: "sent" };
    case "FailureNotificationFailed":
      return { ...s, failureNotice: "failed" };
    case "ImagesExpired": {
      // A stage still due can never run without its images: the request fails instead of waiting.
      const stage = dueStage(s);
      return {
        ...s,
        imagesExpiredAt: event.occurredAt,
        ...(stage
          ? {
              status: "failed" as const,
              error: {
                stage,
                category: "input-missing" as const,
                message: "the images expired before this stage ran",
                attempts: 0,
              },
            }
          : {}),
      };
    }
    case "ErasureCompleted":
      // The caption describes the photo and a failure reason may quote the mail server: both go too.
      return {
        ...s,
        status: "erased",
        erasedAt: event.occurredAt,
        contact: null,
        originalKey: null,
        caption: null,
        generatedImageKey: null,
        error: null,
        // nobody is told anything any more
        failureNotice: null,
      };
    case "CancelRequested":
      // No stage is due for a cancelled request: every reactor re-reads, finds nothing to do.
      return { ...s, status: "cancelled", error: null, failureNotice: null };
    case "WebhookDelivered":
    case "WebhookFailed":
      // How the outside world was told: part of the history, not of the request's progress.
      return s;
  }
}

function contactOf(personal: PersonalDataField): ContactRef | null {
  if ("sealed" in personal) return { sealed: personal.sealed };
  if ("clear" in personal) return { masked: maskEmail(personal.clear.email) };
  return null;
}

function failure(stage: Stage, data: FailureFacts & { reason: string; attempts: number }) {
  return { stage, category: failureCategoryOf(stage, data), message: data.reason, attempts: data.attempts };
}

/** Folds a whole history. */
export function foldRequest(requestId: string, events: Iterable<AnyDomainEvent>): RequestState {
  let state = initialRequestState(requestId);
  for (const e of events) state = evolveRequest(state, e);
  return state;
}

/** The stage that should run next for this request, or null when none is due. */
export function dueStage(state: RequestState): Stage | null {
  if (!state.submitted || state.imagesExpiredAt !== null) return null;
  switch (state.status) {
    case "pending":
      return "caption";
    case "captioned":
      return "generation";
    case "generated":
      return "notification";
    default:
      return null;
  }
}

/**
 * The stage whose runs count the deliveries of `step` when `step` is due, else null: a stage
 * counts its own runs; the failure notice counts the runs of the stage that failed, so a retry
 * that fails again is told about again, under a fresh claim.
 */
export function dueRunStage(state: RequestState, step: Stage | "failureNotice"): Stage | null {
  if (step !== "failureNotice") return dueStage(state) === step ? step : null;
  return state.failureNotice === "due" ? (state.error?.stage ?? null) : null;
}

/**
 * True once the request has come to an end: notified, failed (until an operator retries),
 * cancelled or erased. Nothing runs for it, it cannot be cancelled, and a live stream of its events ends.
 */
export function isFinished(status: RequestStatusName): boolean {
  return status === "notified" || status === "failed" || status === "cancelled" || status === "erased";
}

/** The stage that failed last, if the request is failed: what an operator's retry re-runs. */
export function failedStage(state: RequestState): Stage | null {
  return state.status === "failed" ? (state.error?.stage ?? null) : null;
}
