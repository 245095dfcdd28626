/** Why an upload is not an image we accept. */
export type ImageRejectionCode = "EMPTY" | "UNSUPPORTED_TYPE" | "CORRUPT" | "TOO_MANY_PIXELS";

/** The bytes are not a JPEG, PNG or WebP we are willing to decode; the message is safe to show. */
export class ImageRejectedError extends Error {
  override readonly name = "ImageRejectedError";
  constructor(
    readonly code: ImageRejectionCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
