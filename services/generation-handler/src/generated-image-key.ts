import type { ImageContentType } from "@reimagine/contracts";

const EXTENSION: Record<ImageContentType, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
};

/**
 * Where a run of the generation stage stores its image: `<requestId>/generated-<run>.<ext>`. The
 * same for every delivery of one run, so a redelivery overwrites instead of leaking an object; an
 * operator retry (the next run) writes beside it and never over the image a past event names.
 */
export function generatedImageKey(requestId: string, run: number, contentType: ImageContentType): string {
  return `${requestId}/generated-${run}.${EXTENSION[contentType]}`;
}
