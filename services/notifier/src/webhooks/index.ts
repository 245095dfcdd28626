export { startWebhooks, type WebhooksDeps } from "./start-webhooks";
export { WebhookDeliveryError, WebhooksNotConfiguredError } from "./webhook-delivery-error";
export { createWebhookHandler, WEBHOOKS_NAME, type WebhookHandlerDeps } from "./webhook-handler";
export { WEBHOOK_TRIGGERS, type WebhookMessage, webhookIdOf, webhookMessage } from "./webhook-message";
export { createWebhookSender, type WebhookSender, type WebhookSenderOptions } from "./webhook-sender";
