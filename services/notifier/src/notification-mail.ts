import type { RequestState } from "@reimagine/contracts";
import {
  InvalidRecipientError,
  notificationMessageId,
  type OutgoingMail,
  parseRecipient,
  renderNotificationEmail,
} from "./mail";
import { requestLinks } from "./public-base-url";

export interface NotificationMailOptions {
  /** MAIL_FROM. */
  from: string;
  /** From publicBaseUrlOf(config). */
  publicBaseUrl: string;
}

/** The header that ties a message to its request, for support and for MTAs' logs. */
export const REQUEST_ID_MAIL_HEADER = "X-Reimagine-Request-Id";

/**
 * The "your image is ready" email of a request, addressed and with its deterministic Message-ID,
 * plus the recipient's domain (the only part of the address that goes into UserNotified).
 */
export function notificationMail(
  state: RequestState,
  options: NotificationMailOptions,
): { mail: OutgoingMail; recipientDomain: string } {
  if (!state.email) throw new InvalidRecipientError("invalid recipient: the request has no email address");
  const recipient = parseRecipient(state.email);
  const links = requestLinks(options.publicBaseUrl, state.requestId);
  const rendered = renderNotificationEmail({
    requestId: state.requestId,
    caption: state.caption ?? "",
    ...links,
  });
  return {
    mail: {
      from: options.from,
      to: recipient.address,
      ...rendered,
      messageId: notificationMessageId(state.requestId, options.from),
      headers: {
        // RFC 3834: vacation responders and auto-forwarders must not answer this message
        "Auto-Submitted": "auto-generated",
        [REQUEST_ID_MAIL_HEADER]: state.requestId,
      },
    },
    recipientDomain: recipient.domain,
  };
}
