import type { ImageContentType } from "@reimagine/contracts";
import { sniffImageType } from "@reimagine/contracts";
import { AiError, loadSharp, proveDecodes } from "@reimagine/inference";

export interface SniffedImage {
  contentType: ImageContentType;
  width: number;
  height: number;
}

const SHARP_FORMAT: Record<ImageContentType, string> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/webp": "webp",
};

/**
 * Proves a model's output is an image of a type we store and serve (JPEG, PNG or WebP): magic
 * number first, then a header that agrees, then a decode of every byte (proveDecodes), so a body
 * cut short is never stored and emailed. The type comes from the bytes, not from the declared
 * Content-Type (clients label base64 answers image/jpeg whatever they hold). Anything else (an
 * HTML error page, JSON, a truncated body) is a permanent AiError.
 */
export async function sniffImage(bytes: Buffer, declaredType?: string | null): Promise<SniffedImage> {
  const contentType = sniffImageType(bytes);
  const what = `${declaredType || "unknown type"}, ${bytes.length} bytes`;
  if (contentType === null) {
    throw new AiError({ reason: `model returned a non-image body (${what})`, retryable: false });
  }
  const sharp = await loadSharp();
  try {
    const meta = await sharp(bytes).metadata();
    if (meta.format !== SHARP_FORMAT[contentType] || !meta.width || !meta.height) {
      throw new Error(`header says ${meta.format} ${meta.width}x${meta.height}`);
    }
    await proveDecodes(bytes, { failOn: "error" });
    return { contentType, width: meta.width, height: meta.height };
  } catch (cause) {
    throw new AiError({ reason: `model returned an undecodable image (${what})`, retryable: false, cause });
  }
}
