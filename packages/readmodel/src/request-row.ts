import type { RequestState } from "@reimagine/contracts";
import type { NewRequestRow, RequestRow } from "./requests-table";

/** The row that stores a request's state, as of the event at `lastPosition`. */
export function toRequestRow(state: RequestState, lastPosition: number): NewRequestRow {
  return {
    request_id: state.requestId,
    submitted: state.submitted,
    status: state.status,
    contact: JSON.stringify(state.contact),
    original_key: state.originalKey,
    original_content_type: state.originalContentType,
    caption: state.caption,
    caption_provider: state.captionProvider,
    caption_model: state.captionModel,
    generated_image_key: state.generatedImageKey,
    generated_content_type: state.generatedContentType,
    generation_provider: state.generationProvider,
    generation_model: state.generationModel,
    notification_message_id: state.notificationMessageId,
    error: JSON.stringify(state.error),
    failure_notice: state.failureNotice,
    retries: JSON.stringify(state.retries),
    images_expired_at: state.imagesExpiredAt,
    erased_at: state.erasedAt,
    history: JSON.stringify(state.history),
    created_at: state.createdAt,
    // A row exists only once an event touched the request, and every event sets updatedAt.
    updated_at: state.updatedAt ?? new Date(0).toISOString(),
    last_position: lastPosition,
  };
}

/**
 * The state a row stores. Timestamps come back as UTC ISO strings: the same instant as the
 * event's `occurredAt`, which may have been written with another offset.
 */
export function toRequestState(row: RequestRow): RequestState {
  return {
    requestId: row.request_id,
    submitted: row.submitted,
    status: row.status,
    contact: row.contact ?? null,
    originalKey: row.original_key,
    originalContentType: row.original_content_type,
    caption: row.caption,
    captionProvider: row.caption_provider,
    captionModel: row.caption_model,
    generatedImageKey: row.generated_image_key,
    generatedContentType: row.generated_content_type,
    generationProvider: row.generation_provider,
    generationModel: row.generation_model,
    notificationMessageId: row.notification_message_id,
    error: row.error,
    failureNotice: row.failure_notice,
    retries: row.retries,
    imagesExpiredAt: iso(row.images_expired_at),
    erasedAt: iso(row.erased_at),
    createdAt: iso(row.created_at),
    updatedAt: row.updated_at.toISOString(),
    history: row.history,
  };
}

const iso = (at: Date | null): string | null => (at ? at.toISOString() : null);
