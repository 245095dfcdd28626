import { createHash } from "node:crypto";
import { OFFLINE_PROVIDER } from "@reimagine/contracts";
import type { AiCallOptions } from "@reimagine/inference";
import { AiError, loadSharp, throwIfAborted } from "@reimagine/inference";
import type { GeneratedImage, ImageGenerator } from "./image-generator";
import { wrapText } from "./wrap-text";

export const OFFLINE_GENERATION_MODEL = "offline-render-v1";
const SIZE = 512;

/**
 * The demo-mode ImageGenerator: renders a 512×512 PNG from the prompt (a gradient and shapes whose
 * colours come from a hash of the prompt, the prompt itself, an "offline render" label).
 * Deterministic, so replays and tests see the same bytes.
 */
export function createOfflineImageGenerator(): ImageGenerator {
  return {
    provider: OFFLINE_PROVIDER,
    model: OFFLINE_GENERATION_MODEL,
    async generate(prompt: string, opts: AiCallOptions): Promise<GeneratedImage> {
      const started = performance.now();
      throwIfAborted(opts.signal);
      if (prompt.trim() === "") throw new AiError({ reason: "empty prompt", retryable: false });
      const sharp = await loadSharp();
      const bytes = await sharp(Buffer.from(renderSvg(prompt)))
        .png({ compressionLevel: 9 })
        .toBuffer();
      throwIfAborted(opts.signal);
      return {
        bytes,
        contentType: "image/png",
        width: SIZE,
        height: SIZE,
        model: OFFLINE_GENERATION_MODEL,
        provider: OFFLINE_PROVIDER,
        latencyMs: Math.round(performance.now() - started),
      };
    },
  };
}

/** The SVG the offline generator rasterises; exported for tests. */
export function renderSvg(prompt: string): string {
  const hash = createHash("sha256").update(prompt.trim()).digest();
  const byte = (i: number) => hash[i % hash.length]!;
  const hue1 = Math.round((byte(0) / 255) * 360);
  const hue2 = (hue1 + 90 + Math.round((byte(1) / 255) * 180)) % 360;
  const angle = Math.round((byte(2) / 255) * 360);

  const circles = Array.from({ length: 7 }, (_, i) => {
    const cx = Math.round((byte(3 + i * 4) / 255) * SIZE);
    const cy = Math.round((byte(4 + i * 4) / 255) * SIZE);
    const r = 30 + Math.round((byte(5 + i * 4) / 255) * 120);
    const hue = (hue1 + Math.round((byte(6 + i * 4) / 255) * 120)) % 360;
    return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="hsl(${hue},70%,60%)" fill-opacity="0.35"/>`;
  }).join("");

  const lines = wrapText(prompt.replace(/\s+/g, " ").trim(), 30, 7);
  const lineHeight = 30;
  const top = SIZE / 2 - (lines.length * lineHeight) / 2 + 20;
  const text = lines
    .map((line, i) => `<text x="${SIZE / 2}" y="${top + i * lineHeight}">${escapeXml(line)}</text>`)
    .join("");

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">`,
    `<defs><linearGradient id="g" gradientTransform="rotate(${angle} 0.5 0.5)">`,
    `<stop offset="0" stop-color="hsl(${hue1},65%,45%)"/><stop offset="1" stop-color="hsl(${hue2},65%,30%)"/>`,
    `</linearGradient></defs>`,
    `<rect width="${SIZE}" height="${SIZE}" fill="url(#g)"/>`,
    circles,
    `<rect x="24" y="${top - 40}" width="${SIZE - 48}" height="${lines.length * lineHeight + 28}" rx="14" fill="black" fill-opacity="0.35"/>`,
    `<g font-family="DejaVu Sans, sans-serif" font-size="22" fill="white" text-anchor="middle">${text}</g>`,
    `<text x="${SIZE - 16}" y="${SIZE - 16}" font-family="DejaVu Sans, sans-serif" font-size="14" fill="white" fill-opacity="0.8" text-anchor="end">offline render (demo mode)</text>`,
    `</svg>`,
  ].join("");
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
