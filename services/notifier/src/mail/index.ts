export { InvalidMailInputError, InvalidRecipientError, MailSendError } from "./mail-errors";
export {
  createMailTransport,
  type MailTransport,
  type OutgoingMail,
  type SendResult,
} from "./mail-transport";
export { failureMessageId, notificationMessageId } from "./message-id";
export { parseRecipient, type Recipient } from "./recipient";
export {
  type NotificationEmailInput,
  type RenderedEmail,
  renderNotificationEmail,
} from "./render-email";
export { type FailureEmailInput, renderFailureEmail } from "./render-failure-email";
export { classifySmtpError, type SmtpErrorClassification } from "./smtp-errors";
