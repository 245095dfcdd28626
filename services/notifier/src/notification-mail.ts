import {
  FAILURE_SENTENCES,
  failureCategoryOf,
  type NoticeStage,
  type RequestState,
} from "@reimagine/contracts";
import {
  failureMessageId,
  notificationMessageId,
  type OutgoingMail,
  parseRecipient,
  type RenderedEmail,
  renderFailureEmail,
  renderNotificationEmail,
} from "./mail";
import { requestLinks } from "./public-base-url";

export interface NotificationMailOptions {
  /** MAIL_FROM. */
  from: string;
  /** From publicBaseUrlOf(config). */
  publicBaseUrl: string;
}

/** An email ready for the ExactlyOnceMailer, and the recipient's domain (all that goes into the log). */
export interface AddressedMail {
  mail: OutgoingMail;
  recipientDomain: string;
}

/** The header that ties a message to its request, for support and for MTAs' logs. */
const REQUEST_ID_MAIL_HEADER = "X-Reimagine-Request-Id";

/**
/**
 * The "your image is ready" email of a request to `email` (opened from its sealed form at use),
 * with its deterministic Message-ID: the caption, the links, and which models made the caption and
 * the image.
 */
export function notificationMail(
  state: RequestState,
  email: string,
  options: NotificationMailOptions,
): AddressedMail {
  const links = requestLinks(options.publicBaseUrl, state.requestId);
  const by = (model: string | null, provider: string | null) =>
    provider ? { model: model ?? "an unrecorded model", provider } : null;
  const rendered = renderNotificationEmail({
    requestId: state.requestId,
    caption: state.caption ?? "",
    ...links,
    captionedBy: by(state.captionModel, state.captionProvider),
    generatedBy: by(state.generationModel, state.generationProvider),
  });
  return addressed(email, state, options, rendered, notificationMessageId(state.requestId, options.from));
}

/**
 * The "we could not reimagine your photo" email to `email` for the failure of `stage` in its run
 * `run`: which step failed in plain words, the failure's category as the public status words it,
 * and that nothing more will come.
 */
export function failureMail(
  state: RequestState,
  email: string,
  stage: NoticeStage,
  run: number,
  options: NotificationMailOptions,
): AddressedMail {
  const { pageUrl } = requestLinks(options.publicBaseUrl, state.requestId);
  const rendered = renderFailureEmail({
    requestId: state.requestId,
    stage,
    // The status's safe sentence, never the recorded reason (provider or SMTP text, hosts, keys).
    reason: state.error
      ? FAILURE_SENTENCES[state.error.category ?? failureCategoryOf(state.error.stage, {})]
      : "",
    pageUrl,
  });
  return addressed(
    email,
    state,
    options,
    rendered,
    failureMessageId(state.requestId, stage, run, options.from),
  );
}

function addressed(
  email: string,
  state: RequestState,
  options: NotificationMailOptions,
  rendered: RenderedEmail,
  messageId: string,
): AddressedMail {
  const recipient = parseRecipient(email);
  return {
    mail: {
      from: options.from,
      to: recipient.address,
      ...rendered,
      messageId,
      headers: {
        // RFC 3834: vacation responders and auto-forwarders must not answer this message
        "Auto-Submitted": "auto-generated",
        [REQUEST_ID_MAIL_HEADER]: state.requestId,
      },
    },
    recipientDomain: recipient.domain,
  };
}
