import { loadSharp, proveDecodes } from "@reimagine/inference";
import { StageInputError } from "@reimagine/reactor";
import type { ImageInput } from "./captioners/captioner";

/** How the image a model sees is sized. */
export interface PrepareImageOptions {
  /** Longest side of what the model gets (CAPTION_MAX_SIDE); larger images are scaled down to it. */
  maxSide: number;
  /** Decompression-bomb guard (MAX_IMAGE_PIXELS): an image declaring more pixels is not decoded. */
  maxPixels: number;
}

/** An image ready for a caption model, and what was done to it. */
export interface PreparedImage extends ImageInput {
  width: number;
  height: number;
  /** False when the upload went to the model as it was (small enough, in a format every server reads). */
  resized: boolean;
}

// Formats every vision server decodes; a WebP (or anything else) is re-encoded even when small.
const PASSED_THROUGH: Record<string, string> = { jpeg: "image/jpeg", png: "image/png" };
// A photo this small in bytes costs little as base64 in a chat message; a larger one is re-encoded.
const PASS_THROUGH_MAX_BYTES = 1024 * 1024;

/**
 * The upload as a caption model should get it: decoded once, turned upright (EXIF orientation),
 * scaled so its longest side is at most `maxSide`, and re-encoded as a JPEG. An upload that is
 * already small, upright and a JPEG or PNG goes as it is (still decoded to the last byte, to prove
 * it is an image: see proveDecodes). A file that does not decode is a StageInputError: no retry
 * can make it an image.
 */
export async function prepareImage(bytes: Buffer, options: PrepareImageOptions): Promise<PreparedImage> {
  const input = { failOn: "error", limitInputPixels: options.maxPixels } as const;
  const sharp = await loadSharp();
  try {
    // the header only: dimensions, format and orientation decide whether to re-encode
    const meta = await sharp(bytes, input).metadata();
    const turned = (meta.orientation ?? 1) >= 5;
    const original = {
      width: (turned ? meta.height : meta.width) ?? 0,
      height: (turned ? meta.width : meta.height) ?? 0,
      format: meta.format ?? "unknown",
    };
    const passThrough = PASSED_THROUGH[original.format];
    if (
      passThrough &&
      Math.max(original.width, original.height) <= options.maxSide &&
      bytes.length <= PASS_THROUGH_MAX_BYTES &&
      (meta.orientation ?? 1) === 1
    ) {
      await proveDecodes(bytes, input);
      return { bytes, contentType: passThrough, ...original, original, resized: false };
    }
    const { data, info } = await sharp(bytes, input)
      .rotate()
      .resize({ width: options.maxSide, height: options.maxSide, fit: "inside", withoutEnlargement: true })
      // transparency has no meaning for a caption; JPEG has none
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 85 })
      .toBuffer({ resolveWithObject: true });
    return {
      bytes: data,
      contentType: "image/jpeg",
      width: info.width,
      height: info.height,
      original,
      resized: true,
    };
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    throw new StageInputError(`the uploaded file is not an image that can be decoded (${detail})`, {
      cause,
      category: "image-unreadable",
    });
  }
}
