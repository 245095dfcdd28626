import { type ImageContentType, sniffImageType } from "@reimagine/contracts";
import type { Metadata } from "sharp";

/** What the bytes turned out to be. */
export interface ImageInfo {
  format: "jpeg" | "png" | "webp";
  contentType: ImageContentType;
  width: number;
  height: number;
}

const FORMATS = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/webp": "webp",
} as const satisfies Record<ImageContentType, ImageInfo["format"]>;

// sharp (libvips: ~20 MB of the process's memory) is loaded with the first upload, not at start.
let loadingSharp: Promise<typeof import("sharp")> | undefined;

/**
 * Judges an upload by its bytes alone, at the door and at the cost of its header: the magic number,
 * then the format's header (sharp reads only the header here, in a libuv thread, allocating no
 * pixels), whose dimensions must be within `maxPixels`. Pixels are NOT decoded here: the caption
 * stage decodes each image once, when it downsizes it for the model, and a file that fails there
 * becomes CaptionFailed (measured: header 0.15 ms, a full decode of 1024x768 JPEG 5-18 ms).
 * Throws ImageRejectedError (EMPTY, UNSUPPORTED_TYPE, CORRUPT, TOO_MANY_PIXELS). Width and height
 * are as displayed, after EXIF orientation.
 */
export async function inspectImage(bytes: Buffer, opts: { maxPixels: number }): Promise<ImageInfo> {
  if (!Number.isSafeInteger(opts.maxPixels) || opts.maxPixels < 1) {
    throw new RangeError(`maxPixels must be a positive integer, got ${opts.maxPixels}`);
  }
  if (bytes.length === 0) throw new ImageRejectedError("EMPTY", "the file is empty");

  // The client's Content-Type is never consulted: it is whatever the sender chose to claim.
  const contentType = sniffImageType(bytes);
  if (contentType === null) {
    throw new ImageRejectedError("UNSUPPORTED_TYPE", "only JPEG, PNG and WebP images are accepted");
  }
  const format = FORMATS[contentType];

  // sharp, not a pure-JS size reader: libvips' loaders validate the header they parse (a WebP
  // header over garbage is refused here; image-size reads it as 2313x2313).
  loadingSharp ??= import("sharp").then((m) => m.default);
  const sharp = await loadingSharp;
  let header: Metadata;
  try {
    header = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw corrupt(format, err);
  }
  if (header.format !== format || !(header.width > 0) || !(header.height > 0)) {
    throw corrupt(format, new Error(`header reads as ${header.format} ${header.width}x${header.height}`));
  }
  const pixels = header.width * header.height;
  if (pixels > opts.maxPixels) {
    throw new ImageRejectedError(
      "TOO_MANY_PIXELS",
      `the image is ${header.width}x${header.height} pixels (${pixels}); the limit is ${opts.maxPixels}`,
    );
  }
  const { width, height } = header.autoOrient ?? header;
  return { format, contentType, width, height };
}

function corrupt(format: string, cause: unknown): ImageRejectedError {
  return new ImageRejectedError(
    "CORRUPT",
    `the file starts like a ${format.toUpperCase()} but its header does not parse (corrupt or truncated)`,
    { cause },
  );
}

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
