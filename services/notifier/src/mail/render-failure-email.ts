import type { NoticeStage } from "@reimagine/contracts";
import {
  emailHtml,
  escapeHtml,
  httpUrl,
  oneLine,
  paragraphStyle,
  textFooter,
  truncate,
} from "./email-layout";
import type { RenderedEmail } from "./render-email";

export interface FailureEmailInput {
  requestId: string;
  /** The step that failed for good. */
  stage: NoticeStage;
  /** What went wrong as the public status says it (the category's safe sentence), under the plain words. */
  reason: string;
  pageUrl: string;
}

const SUBJECT = "We could not reimagine your photo";
const REASON_MAX = 300;

/** What went wrong, in words for the person who uploaded the photo. */
const WHAT_FAILED: Record<NoticeStage, string> = {
  caption: "We could not describe your photo, the first step of reimagining it, so no new image was made.",
  generation:
    "We described your photo, but could not create the new image from that description, the second step.",
};

const NOTHING_MORE =
  "We have stopped working on this request: no image will follow, and this is the last email about it. " +
  "You are welcome to upload the photo again.";

/** Renders the "your request failed" email: which step failed, in plain words, and that nothing more will come. */
export function renderFailureEmail(input: FailureEmailInput): RenderedEmail {
  const pageUrl = httpUrl(input.pageUrl, "pageUrl");
  const requestId = oneLine(input.requestId);
  const reason = truncate(oneLine(input.reason), REASON_MAX);

  const text = [
    "Hello,",
    "",
    "We are sorry: your photo could not be reimagined.",
    "",
    WHAT_FAILED[input.stage],
    ...(reason ? ["", `What went wrong: ${reason}`] : []),
    "",
    NOTHING_MORE,
    ...textFooter("Your request:", pageUrl, requestId),
  ].join("\n");

  const e = escapeHtml;
  const blocks = [
    `<p style="${paragraphStyle()}">We are sorry: your photo could not be reimagined.</p>`,
    `<p style="${paragraphStyle()}">${e(WHAT_FAILED[input.stage])}</p>`,
    ...(reason ? [`<p style="${paragraphStyle(true)}">What went wrong: ${e(reason)}</p>`] : []),
    `<p style="${paragraphStyle()}">${e(NOTHING_MORE)}</p>`,
  ];
  return { subject: SUBJECT, text, html: emailHtml({ title: SUBJECT, blocks, pageUrl, requestId }) };
}
