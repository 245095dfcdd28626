import type { ModelProvenance } from "@reimagine/contracts";
import { OFFLINE_PROVIDER } from "@reimagine/contracts";
import { InvalidMailInputError } from "./mail-errors";

/** Why the person gets mail from us at all, at the foot of every email. */
const WHY_THIS_EMAIL = "You receive this email because this address was given when the photo was uploaded.";

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

const STYLE = {
  body: "margin:0;padding:24px;background:#f4f4f5;font-family:Helvetica,Arial,sans-serif;color:#18181b;",
  card: "max-width:520px;margin:0 auto;padding:32px;background:#ffffff;border-radius:8px;",
  h1: "margin:0 0 16px;font-size:22px;font-weight:600;",
  link: "color:#4f46e5;",
  small: "margin:0 0 24px;font-size:14px;line-height:1.5;color:#52525b;",
  foot: "margin:0;font-size:12px;line-height:1.5;color:#a1a1aa;",
};

/** The style of a paragraph of body text (`muted` for secondary lines). */
export function paragraphStyle(muted = false): string {
  return `margin:0 0 16px;font-size:${muted ? 14 : 16}px;line-height:1.5;color:${muted ? "#52525b" : "#3f3f46"};`;
}

/** The plain-text end of every email: a link to the request (after `label`), its id, and why it came. */
export function textFooter(label: string, pageUrl: string, requestId: string): string[] {
  return ["", label, pageUrl, "", `Request id: ${requestId}`, "", WHY_THIS_EMAIL, ""];
}

/**
 * A small HTML email: a title, the given blocks (already escaped HTML), the status link with the
 * request id, and the footer. Inline styles only: mail clients drop <style> blocks.
 */
export function emailHtml(input: {
  title: string;
  blocks: string[];
  pageUrl: string;
  requestId: string;
}): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(input.title)}</title>
</head>
<body style="${STYLE.body}">
<div style="${STYLE.card}">
<h1 style="${STYLE.h1}">${e(input.title)}</h1>
${input.blocks.join("\n")}
<p style="${STYLE.small}"><a href="${e(input.pageUrl)}" style="${STYLE.link}">Follow your request</a> &middot; request id <code>${e(input.requestId)}</code></p>
<p style="${STYLE.foot}">${e(WHY_THIS_EMAIL)}</p>
</div>
</body>
</html>
`;
}

/**
 * Who made the caption and the image, in a sentence; the demo mode says plainly that no model
 * was involved. Null when neither is known.
 */
export function provenanceSentence(
  captionedBy: ModelProvenance | null | undefined,
  generatedBy: ModelProvenance | null | undefined,
): string | null {
  const parts: string[] = [];
  const by = (what: string, p: ModelProvenance) =>
    p.provider === OFFLINE_PROVIDER
      ? `${what} in offline demo mode (no AI model was involved)`
      : `${what} by ${oneLine(p.model)} (${oneLine(p.provider)})`;
  if (captionedBy) parts.push(by("Described", captionedBy));
  if (generatedBy) parts.push(by("drawn", generatedBy));
  if (parts.length === 0) return null;
  const sentence = parts.join("; ");
  return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`;
}

/** Escapes text for an HTML element or a double- or single-quoted attribute value. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** The URL, normalised, if it is http(s); anything else (javascript:, data:) must never become a link. */
export function httpUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new InvalidMailInputError(`${field} is not a URL`, { cause });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidMailInputError(`${field} must be an http(s) URL`);
  }
  return url.href;
}

/** One line of printable text: what comes from a model or a person is flattened before use. */
export function oneLine(value: string): string {
  return value.replace(CONTROL, " ").replace(/\s+/g, " ").trim();
}

/** At most `max` characters (by code point, so an emoji is never cut in half), "…" when cut. */
export function truncate(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max
    ? value
    : `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}
