import { InvalidMailInputError } from "./mail-errors";

export interface NotificationEmailInput {
  requestId: string;
  caption: string;
  /** `${PUBLIC_BASE_URL}/api/v1/request/<id>/image`: a link that never expires. */
  imageUrl: string;
  statusUrl: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const SUBJECT = "Your reimagined image is ready";
const SUBJECT_CAPTION_MAX = 60;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** Renders the "your image is ready" email as a subject, a plain-text body and an HTML body. */
export function renderNotificationEmail(input: NotificationEmailInput): RenderedEmail {
  const imageUrl = httpUrl(input.imageUrl, "imageUrl");
  const statusUrl = httpUrl(input.statusUrl, "statusUrl");
  // the caption comes from a model: flatten it to one line of printable text before using it
  const caption = oneLine(input.caption);
  const requestId = oneLine(input.requestId);
  const subject = caption ? `${SUBJECT}: ${truncate(caption, SUBJECT_CAPTION_MAX)}` : SUBJECT;

  const text = [
    "Hello,",
    "",
    "Your photo has been reimagined.",
    ...(caption ? ["", `It was described as: "${caption}"`] : []),
    "",
    "See the new image:",
    imageUrl,
    "",
    "Follow your request:",
    statusUrl,
    "",
    `Request id: ${requestId}`,
    "",
    "You receive this email because this address was given when the photo was uploaded.",
    "",
  ].join("\n");

  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(SUBJECT)}</title>
</head>
<body style="margin:0;padding:24px;background:#f4f4f5;font-family:Helvetica,Arial,sans-serif;color:#18181b;">
<div style="max-width:520px;margin:0 auto;padding:32px;background:#ffffff;border-radius:8px;">
<h1 style="margin:0 0 16px;font-size:22px;font-weight:600;">${e(SUBJECT)}</h1>
<p style="margin:0 0 16px;font-size:16px;line-height:1.5;">Your photo has been reimagined.</p>
${caption ? `<p style="margin:0 0 24px;font-size:16px;line-height:1.5;color:#3f3f46;">It was described as: <em>&ldquo;${e(caption)}&rdquo;</em></p>\n` : ""}<p style="margin:0 0 24px;"><a href="${e(imageUrl)}" style="display:inline-block;padding:12px 24px;background:#4f46e5;color:#ffffff;text-decoration:none;border-radius:6px;font-size:16px;font-weight:600;">See your image</a></p>
<p style="margin:0 0 8px;font-size:14px;line-height:1.5;color:#52525b;">If the button does not work, open this link: <a href="${e(imageUrl)}" style="color:#4f46e5;word-break:break-all;">${e(imageUrl)}</a></p>
<p style="margin:0 0 24px;font-size:14px;line-height:1.5;color:#52525b;"><a href="${e(statusUrl)}" style="color:#4f46e5;">Follow your request</a> &middot; request id <code>${e(requestId)}</code></p>
<p style="margin:0;font-size:12px;line-height:1.5;color:#a1a1aa;">You receive this email because this address was given when the photo was uploaded.</p>
</div>
</body>
</html>
`;
  return { subject, text, html };
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

function httpUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new InvalidMailInputError(`${field} is not a URL`, { cause });
  }
  // anything else (javascript:, data:) must never become a link in an email
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidMailInputError(`${field} must be an http(s) URL`);
  }
  return url.href;
}

function oneLine(value: string): string {
  return value.replace(CONTROL, " ").replace(/\s+/g, " ").trim();
}

function truncate(value: string, max: number): string {
  const chars = Array.from(value); // by code point, so an emoji is never cut in half
  return chars.length <= max
    ? value
    : `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}
