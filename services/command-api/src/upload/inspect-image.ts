import { type ImageContentType, sniffImageType } from "@reimagine/contracts";
import sharp from "sharp";
import { ImageRejectedError } from "./image-rejected-error";

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

/**
 * Judges an upload by its bytes alone: magic numbers, then the header, then a full decode.
 * Throws ImageRejectedError (EMPTY, UNSUPPORTED_TYPE, CORRUPT, TOO_MANY_PIXELS) otherwise.
 * Width and height are as displayed, after EXIF orientation.
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

  // The header alone: sharp allocates no pixels here, so a decompression bomb costs nothing yet.
  let header: sharp.Metadata;
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

  // Every pixel, streamed through stats() so memory stays small. failOn "error" refuses truncated
  // data and decoder errors but tolerates the harmless warnings many phone cameras produce.
  try {
    await sharp(bytes, { failOn: "error", limitInputPixels: opts.maxPixels, sequentialRead: true }).stats();
  } catch (err) {
    throw corrupt(format, err);
  }

  const { width, height } = header.autoOrient ?? header;
  return { format, contentType, width, height };
}

function corrupt(format: string, cause: unknown): ImageRejectedError {
  return new ImageRejectedError(
    "CORRUPT",
    `the file starts like a ${format.toUpperCase()} but does not decode (corrupt or truncated)`,
    { cause },
  );
}
