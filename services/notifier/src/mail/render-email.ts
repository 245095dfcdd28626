import type { ModelProvenance } from "@reimagine/contracts";
import {
  emailHtml,
  escapeHtml,
  httpUrl,
  oneLine,
  paragraphStyle,
  provenanceSentence,
  textFooter,
  truncate,
} from "./email-layout";

export interface NotificationEmailInput {
  requestId: string;
  caption: string;
  /** `${PUBLIC_BASE_URL}/api/v1/request/<id>/image`: a link that never expires. */
  imageUrl: string;
  pageUrl: string;
  /** Which model made the caption and which the image (the status says the same). */
  captionedBy?: ModelProvenance | null;
  generatedBy?: ModelProvenance | null;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const SUBJECT = "Your reimagined image is ready";
const SUBJECT_CAPTION_MAX = 60;
const BUTTON =
  "display:inline-block;padding:12px 24px;background:#4f46e5;color:#ffffff;text-decoration:none;border-radius:6px;font-size:16px;font-weight:600;";

/** Renders the "your image is ready" email as a subject, a plain-text body and an HTML body. */
export function renderNotificationEmail(input: NotificationEmailInput): RenderedEmail {
  const imageUrl = httpUrl(input.imageUrl, "imageUrl");
  const pageUrl = httpUrl(input.pageUrl, "pageUrl");
  // the caption comes from a model: flatten it to one line of printable text before using it
  const caption = oneLine(input.caption);
  const requestId = oneLine(input.requestId);
  const madeBy = provenanceSentence(input.captionedBy, input.generatedBy);
  const subject = caption ? `${SUBJECT}: ${truncate(caption, SUBJECT_CAPTION_MAX)}` : SUBJECT;

  const text = [
    "Hello,",
    "",
    "Your photo has been reimagined.",
    ...(caption ? ["", `It was described as: "${caption}"`] : []),
    ...(madeBy ? ["", madeBy] : []),
    "",
    "See the new image:",
    imageUrl,
    ...textFooter("Follow your request:", pageUrl, requestId),
  ].join("\n");

  const e = escapeHtml;
  const blocks = [
    `<p style="${paragraphStyle()}">Your photo has been reimagined.</p>`,
    ...(caption
      ? [`<p style="${paragraphStyle()}">It was described as: <em>&ldquo;${e(caption)}&rdquo;</em></p>`]
      : []),
    ...(madeBy ? [`<p style="${paragraphStyle(true)}">${e(madeBy)}</p>`] : []),
    `<p style="margin:0 0 24px;"><a href="${e(imageUrl)}" style="${BUTTON}">See your image</a></p>`,
    `<p style="margin:0 0 8px;font-size:14px;line-height:1.5;color:#52525b;">If the button does not work, open this link: <a href="${e(imageUrl)}" style="color:#4f46e5;word-break:break-all;">${e(imageUrl)}</a></p>`,
  ];
  return { subject, text, html: emailHtml({ title: SUBJECT, blocks, pageUrl, requestId }) };
}
