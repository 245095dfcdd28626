import sharp from "sharp";
import { AiError } from "./ai-error";
import type { GeneratedContentType } from "./types";

export interface SniffedImage {
  contentType: GeneratedContentType;
  width: number;
  height: number;
}

/** The content type named by a body's magic number, or null when it is not JPEG, PNG or WebP. */
export function imageTypeFromMagic(bytes: Uint8Array): GeneratedContentType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.length >= 8 && ascii(bytes, 1, 4) === "PNG" && bytes[0] === 0x89 && bytes[4] === 0x0d) {
    return "image/png";
  }
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP")
    return "image/webp";
  return null;
}

const SHARP_FORMAT: Record<GeneratedContentType, string> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/webp": "webp",
};

/**
 * Proves a model's output is an image: magic number first, then sharp decodes the header for the
 * size. Anything else (an HTML error page, JSON, a truncated body) is a permanent AiError.
 */
export async function sniffImage(bytes: Buffer, declaredType?: string | null): Promise<SniffedImage> {
  const contentType = imageTypeFromMagic(bytes);
  const what = `${declaredType || "unknown type"}, ${bytes.length} bytes`;
  if (contentType === null) {
    throw new AiError({ reason: `model returned a non-image body (${what})`, retryable: false });
  }
  try {
    const meta = await sharp(bytes).metadata();
    if (meta.format !== SHARP_FORMAT[contentType] || !meta.width || !meta.height) {
      throw new Error(`header says ${meta.format} ${meta.width}x${meta.height}`);
    }
    return { contentType, width: meta.width, height: meta.height };
  } catch (cause) {
    throw new AiError({ reason: `model returned an undecodable image (${what})`, retryable: false, cause });
  }
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}
