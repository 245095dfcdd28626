export { startWebhooks, type WebhooksDeps } from "./start-webhooks";
export { createWebhookHandler, WEBHOOKS_NAME, type WebhookHandlerDeps } from "./webhook-handler";
export type { WebhookMessage } from "./webhook-message";
export { createWebhookSender, type WebhookSender, type WebhookSenderOptions } from "./webhook-sender";
