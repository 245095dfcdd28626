import type { ImageInfo } from "../upload/inspect-image";

const EXTENSIONS: Record<ImageInfo["format"], string> = { jpeg: "jpg", png: "png", webp: "webp" };

/** Where a request's original lives in the originals bucket: `<requestId>/original.<ext>`. */
export function originalKey(requestId: string, format: ImageInfo["format"]): string {
  return `${requestId}/original.${EXTENSIONS[format]}`;
}
