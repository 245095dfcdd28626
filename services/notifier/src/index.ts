// The notifier's public entry: what the all-in-one process and the operator tools use.
export {
  type ClaimStore,
  claimBucketName,
  claimKey,
  openClaimStore,
} from "./claims";
export { ExactlyOnceMailer, type SentEmail } from "./exactly-once-mailer";
export {
  createFailureNoticeHandler,
  FAILURE_NOTICE_MAX_AGE_MS,
  FAILURE_NOTIFIER_NAME,
  failureClaimKey,
} from "./failure-notice-handler";
export { createMailTransport, type MailTransport } from "./mail";
export { mailCheck } from "./mail-check";
export { createNotifierHandler, NOTIFIER_NAME, type NotifierHandlerDeps } from "./notifier-handler";
export { createNotifier, type NotifierDeps, type NotifierHandlers, startNotifier } from "./start-notifier";
export { verifyMailTransport } from "./verify-mail-transport";
export {
  createWebhookHandler,
  createWebhookSender,
  startWebhooks,
  WEBHOOKS_NAME,
  type WebhookMessage,
} from "./webhooks";
