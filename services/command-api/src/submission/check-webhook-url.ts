import { WebhookUrl } from "@reimagine/contracts";
import { checkWebhookTarget, WebhookTargetRefusedError } from "@reimagine/webhooks";

/** What the server allows for webhooks: whether they are on at all, and private targets. */
export interface WebhookPolicy {
  /** True when WEBHOOK_SECRET is set: there is something to sign them with. */
  enabled: boolean;
  /** WEBHOOK_ALLOW_PRIVATE, for local development. */
  allowPrivate: boolean;
}

/** The webhookUrl field is not a target we will call; the message says why and is safe to show. */
export class InvalidWebhookUrlError extends Error {
  override readonly name = "InvalidWebhookUrlError";
  readonly code = "INVALID_WEBHOOK_URL";
}

/**
 * Checks the optional webhookUrl of a submission: webhooks are on, it is an absolute http(s) URL
 * without credentials of at most 2048 characters, and its host resolves to public addresses only
 * (delivery checks again when it connects). Returns it unchanged, or null when none was sent.
 */
export async function checkWebhookUrl(url: string | null, policy: WebhookPolicy): Promise<string | null> {
  if (url === null) return null;
  if (!policy.enabled) {
    throw new InvalidWebhookUrlError("webhooks are not enabled on this server (WEBHOOK_SECRET is not set)");
  }
  const shape = WebhookUrl.safeParse(url);
  if (!shape.success) {
    throw new InvalidWebhookUrlError(
      "webhookUrl must be an absolute http or https URL without credentials, at most 2048 characters",
    );
  }
  try {
    await checkWebhookTarget(url, { allowPrivate: policy.allowPrivate });
  } catch (err) {
    if (err instanceof WebhookTargetRefusedError)
      throw new InvalidWebhookUrlError(err.message, { cause: err });
    throw err;
  }
  return url;
}
