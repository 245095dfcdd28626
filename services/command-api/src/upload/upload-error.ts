/** Why a multipart upload was refused before its content was even judged. */
export type UploadErrorCode =
  | "NOT_MULTIPART"
  | "MALFORMED_MULTIPART"
  | "BODY_TOO_LARGE"
  | "FILE_TOO_LARGE"
  | "MISSING_FIELD"
  | "UNEXPECTED_FIELD"
  | "INTERRUPTED"
  | "TIMEOUT";

/** The request body is not the one multipart form we accept; the message is safe to show. */
export class UploadError extends Error {
  override readonly name = "UploadError";
  constructor(
    readonly code: UploadErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
