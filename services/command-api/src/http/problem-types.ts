/**
 * Every kind of problem the command API answers with: its HTTP status and a title that is the same
 * for every occurrence (RFC 9457 §3.1.3); what differs between occurrences goes in `detail`.
 */
export const problemTypes = {
  "malformed-request": { status: 400, title: "Malformed request" },
  "invalid-request-id": { status: 400, title: "Invalid request id" },
  "invalid-idempotency-key": { status: 400, title: "Invalid Idempotency-Key header" },
  "malformed-multipart": { status: 400, title: "Malformed multipart body" },
  "missing-field": { status: 400, title: "Missing form field" },
  "unexpected-field": { status: 400, title: "Unexpected form field" },
  "invalid-email": { status: 400, title: "Invalid email address" },
  "empty-image": { status: 400, title: "Empty image" },
  "invalid-webhook-url": { status: 400, title: "Webhook URL refused" },
  "invalid-last-event-id": { status: 400, title: "Invalid Last-Event-ID" },
  "invalid-archive": { status: 400, title: "Invalid event archive" },
  "unknown-projection": { status: 400, title: "Unknown projection" },
  unauthorized: { status: 401, title: "Unauthorized" },
  "invalid-cancel-token": { status: 403, title: "Wrong or missing cancel token" },
  "unknown-request": { status: 404, title: "Unknown request" },
  "image-not-ready": { status: 404, title: "Image not generated yet" },
  "not-found": { status: 404, title: "Not found" },
  "unknown-dead-letter": { status: 404, title: "Unknown dead letter" },
  "method-not-allowed": { status: 405, title: "Method not allowed" },
  "request-timeout": { status: 408, title: "Request timeout" },
  "upload-too-large": { status: 413, title: "Upload too large" },
  "image-too-large": { status: 413, title: "Image has too many pixels" },
  "unsupported-media-type": { status: 415, title: "Unsupported media type" },
  "unsupported-image": { status: 415, title: "Not a supported image" },
  "request-not-failed": { status: 409, title: "Request has not failed" },
  "request-expired": { status: 409, title: "Request images expired" },
  "image-expired": { status: 410, title: "Image expired" },
  "request-erased": { status: 410, title: "Request erased" },
  "store-not-empty": { status: 409, title: "Event store not empty" },
  "request-finished": { status: 409, title: "Request already finished" },
  "idempotency-key-reused": { status: 422, title: "Idempotency-Key reused with a different body" },
  "rate-limited": { status: 429, title: "Too many requests" },
  "too-many-streams": { status: 429, title: "Too many open event streams" },
  // nginx's convention: the client closed the connection before its answer; nobody reads this one.
  "client-closed-request": { status: 499, title: "Client closed request" },
  internal: { status: 500, title: "Internal server error" },
  "import-incomplete": { status: 500, title: "Import incomplete" },
  "dependency-unavailable": { status: 503, title: "Service temporarily unavailable" },
  "server-busy": { status: 503, title: "Server busy" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemType = keyof typeof problemTypes;

/** The `type` URI of a problem: a URN, because nothing is published at a URL to dereference. */
export const problemTypeUri = (type: ProblemType): string => `urn:reimagine:problem:${type}`;
