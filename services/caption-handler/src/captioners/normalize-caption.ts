import { AiError } from "@reimagine/inference";

/** Captions longer than this are cut on a word boundary: they end up in events, emails and prompts. */
export const MAX_CAPTION_LENGTH = 300;

/**
 * Trims a model's caption, collapses whitespace, drops wrapping quotes and caps its length on a
 * word boundary. An empty caption is a permanent AiError: retrying the same image rarely helps.
 */
export function normalizeCaption(raw: string, maxLength: number = MAX_CAPTION_LENGTH): string {
  let text = raw.replace(/\s+/g, " ").trim();
  // Chat models like to quote their answer: "", '', ``, “”, ‘’, or “...”. (Characters
  // above U+00FF are escaped in the source: see assertOneByteSource in scripts/build.mjs.)
  const quoted = /^(["'\u201c\u201d\u2018\u2019`])(.*)\1$|^\u201c(.*)\u201d$/s.exec(text);
  if (quoted) text = (quoted[2] ?? quoted[3] ?? "").trim();
  if (text === "") {
    throw new AiError({ reason: "model returned an empty caption", retryable: false });
  }
  if (text.length <= maxLength) return text;
  const head = text.slice(0, maxLength - 1);
  const lastSpace = head.lastIndexOf(" ");
  // A single giant "word" (a URL, garbage) is cut hard rather than emptied.
  const cut = lastSpace >= maxLength / 2 ? head.slice(0, lastSpace) : head;
  // trailing spaces and punctuation, en and em dashes included, give way to the ellipsis
  return `${cut.replace(/[\s,;:.\-\u2013\u2014]+$/u, "")}\u2026`;
}
