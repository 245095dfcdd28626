export { InvalidMailInputError, InvalidRecipientError, MailSendError } from "./mail-errors";
export {
  createMailTransport,
  type MailTransport,
  type OutgoingMail,
  type SendResult,
} from "./mail-transport";
export { messageIdDomain, notificationMessageId } from "./message-id";
export { parseRecipient, type Recipient } from "./recipient";
export {
  escapeHtml,
  type NotificationEmailInput,
  type RenderedEmail,
  renderNotificationEmail,
} from "./render-email";
export { classifySmtpError, type SmtpErrorClassification } from "./smtp-errors";
