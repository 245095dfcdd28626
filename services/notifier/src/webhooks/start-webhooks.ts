import type { JetStreamEventStore } from "@reimagine/eventstore";
import type { Config, Logger } from "@reimagine/platform";
import { type RunningReactor, startReactor } from "@reimagine/reactor";
import { openVault, type Vault } from "@reimagine/vault";
import { publicBaseUrlOf } from "../public-base-url";
import { createWebhookHandler } from "./webhook-handler";
import { createWebhookSender } from "./webhook-sender";

export interface WebhooksDeps {
  store: JetStreamEventStore;
  config: Config;
  logger: Logger;
  /** Where the webhook URLs are opened; by default the key bucket of the store's stream. */
  vault?: Vault;
}

/**
 * Starts the webhook reactor on its own durable consumer (`webhooks`), next to the notifier in the
 * notifier's process and in the all-in-one. It runs without WEBHOOK_SECRET too, so a request that
 * has a webhookUrl records WebhookFailed ("not configured") instead of waiting forever.
 */
export async function startWebhooks(deps: WebhooksDeps): Promise<RunningReactor> {
  const { config, logger } = deps;
  const sender = config.WEBHOOK_SECRET
    ? createWebhookSender({
        secret: config.WEBHOOK_SECRET,
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        targets: { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE },
      })
    : null;
  if (!sender) logger.info("WEBHOOK_SECRET is not set: webhooks are off (the API refuses webhookUrl)");
  else if (config.WEBHOOK_ALLOW_PRIVATE)
    logger.warn("WEBHOOK_ALLOW_PRIVATE: webhooks may go to private addresses");
  const vault = deps.vault ?? (await openVault(deps.store, { replicas: config.NATS_REPLICAS }));
  const handler = createWebhookHandler({
    store: deps.store,
    vault,
    sender,
    publicBaseUrl: publicBaseUrlOf(config),
  });
  return startReactor(deps.store, handler, deps);
}
