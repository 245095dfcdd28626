import type { ModelProvenance, RequestStatusResponse } from "@reimagine/contracts";
import { publicFailure, type RequestState, ROUTES, routeOf } from "@reimagine/contracts";

/** The path of a request's status, relative to the API's base URL. */
export const statusPath = (requestId: string): string => routeOf(ROUTES.request, requestId);

/** The path of a request's generated image: the link in the email (410 once expired or erased). */
export const imagePath = (requestId: string): string => routeOf(ROUTES.requestImage, requestId);

/** The path of a request's original photo. */
export const originalPath = (requestId: string): string => routeOf(ROUTES.requestOriginal, requestId);

/**
/**
 * The public view of a request: the address as `shownEmail` says (masked, or "erased"), a stable
 * image link, nothing internal. A failure is its stage, category and the category's safe sentence;
 * the raw reason (provider and SMTP text, hosts, keys) stays in the event, the admin API, the CLI
 * and the logs.
 */
export function toStatusResponse(
  state: RequestState,
  baseUrl: string,
  shownEmail: string,
): RequestStatusResponse {
  const createdAt = state.createdAt ?? state.updatedAt ?? new Date(0).toISOString();
  return {
    id: state.requestId,
    status: state.status,
    email: shownEmail,
    caption: state.caption,
    captionedBy: provenance(state.caption, state.captionModel, state.captionProvider),
    generatedImageUrl: state.generatedImageKey ? `${baseUrl}${imagePath(state.requestId)}` : null,
    generatedBy: provenance(state.generatedImageKey, state.generationModel, state.generationProvider),
    imageExpiredAt: state.imagesExpiredAt,
    erasedAt: state.erasedAt,
    error: state.error ? publicFailure(state.error) : null,
    createdAt,
    updatedAt: state.updatedAt ?? createdAt,
    history: state.history.map((h) => ({ type: h.type, at: h.at })),
  };
}

/** Who made a result, once there is one; a field an old read-model row lacks reads "unknown". */
function provenance(
  result: string | null,
  model: string | null,
  provider: string | null,
): ModelProvenance | null {
  if (result === null) return null;
  return { model: model ?? "unknown", provider: provider ?? "unknown" };
}
