// Webhook targets: which URLs reimagine may call, checked at submission and again at connect time.
export { checkWebhookTarget, guardedLookup, type WebhookTargetPolicy } from "./check-webhook-target";
export { isPublicAddress } from "./public-address";
export { WebhookTargetRefusedError } from "./webhook-target-refused-error";
