import { OFFLINE_PROVIDER } from "@reimagine/contracts";
import type { AiCallOptions } from "@reimagine/inference";
import { AiError, loadSharp, throwIfAborted } from "@reimagine/inference";
import type { Metadata } from "sharp";
import type { Captioner, CaptionResult, ImageInput } from "./captioner";
import { colourName } from "./colour-name";
import { normalizeCaption } from "./normalize-caption";

export const OFFLINE_CAPTION_MODEL = "offline-caption-v1";

/**
 * The demo-mode Captioner (no HF token nor endpoint): describes size, orientation and dominant
 * colours from the pixels. Labelled "offline" so nobody mistakes it for a model's caption.
 */
export function createOfflineCaptioner(): Captioner {
  return {
    provider: OFFLINE_PROVIDER,
    model: OFFLINE_CAPTION_MODEL,
    async caption(image: ImageInput, opts: AiCallOptions): Promise<CaptionResult> {
      const started = performance.now();
      throwIfAborted(opts.signal);
      const caption = normalizeCaption(await describe(image));
      throwIfAborted(opts.signal);
      return {
        caption,
        model: OFFLINE_CAPTION_MODEL,
        provider: OFFLINE_PROVIDER,
        latencyMs: Math.round(performance.now() - started),
      };
    },
  };
}

/** Size and kind from the upload as it was (a scaled-down copy would say 1024 px), colours from the pixels. */
async function describe(image: ImageInput): Promise<string> {
  let meta: Metadata;
  let pixels: Buffer;
  const sharp = await loadSharp();
  try {
    meta = await sharp(image.bytes).metadata();
    // rotate() applies EXIF orientation so "portrait" means what a viewer sees.
    pixels = await sharp(image.bytes).rotate().resize(24, 24, { fit: "fill" }).removeAlpha().raw().toBuffer();
  } catch (cause) {
    throw new AiError({ reason: "not a decodable image", retryable: false, cause });
  }
  const swap = (meta.orientation ?? 1) >= 5;
  const width = image.original?.width ?? (swap ? meta.height : meta.width) ?? 0;
  const height = image.original?.height ?? (swap ? meta.width : meta.height) ?? 0;
  const format = image.original?.format ?? meta.format;
  const shape = width > height * 1.05 ? "landscape" : height > width * 1.05 ? "portrait" : "square";
  const kind = format === "jpeg" || format === "heif" ? "photo" : `${format?.toUpperCase()} image`;
  const colours = dominantColours(pixels, 2);
  const tones = colours.length > 1 ? `${colours[0]} and ${colours[1]}` : (colours[0] ?? "mixed");
  return `A ${shape} ${width}×${height} ${kind} dominated by ${tones} tones.`;
}

/**
 * The most frequent colour names over a small thumbnail (ties broken by name, for determinism);
 * a runner-up covering under a tenth of the picture is not worth naming.
 */
function dominantColours(rgb: Buffer, count: number): string[] {
  const votes = new Map<string, number>();
  const total = Math.floor(rgb.length / 3);
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    const name = colourName(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
    votes.set(name, (votes.get(name) ?? 0) + 1);
  }
  return [...votes.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .filter(([, n], rank) => rank === 0 || n >= total / 10)
    .slice(0, count)
    .map(([name]) => name);
}
