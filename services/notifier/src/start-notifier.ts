import { type JetStreamEventStore, leaseOwnerId } from "@reimagine/eventstore";
import type { Config, Logger } from "@reimagine/platform";
import { type EventHandler, type RunningReactor, startReactor } from "@reimagine/reactor";
import { openVault, type Vault } from "@reimagine/vault";
import { openClaimStore } from "./claims";
import { ExactlyOnceMailer } from "./exactly-once-mailer";
import { createFailureNoticeHandler } from "./failure-notice-handler";
import type { MailTransport } from "./mail";
import { createNotifierHandler } from "./notifier-handler";
import { publicBaseUrlOf } from "./public-base-url";

export interface NotifierDeps {
  store: JetStreamEventStore;
  /** Owned by the caller, who closes it after stop(). */
  transport: MailTransport;
  config: Config;
  logger: Logger;
  /** Where the recipients' addresses are opened; by default the key bucket of the store's stream. */
  vault?: Vault;
  /** The clock of claim leases; tests move it forward. */
  now?: () => number;
}

/** The notifier's two reactors: the "ready" email, and the email about a failure. */
export interface NotifierHandlers {
  notification: EventHandler;
  failureNotice: EventHandler;
}

/**
 * The notifier's handlers wired from their dependencies: PUBLIC_BASE_URL checked, the claims bucket
 * opened (created if needed), a fresh owner id, one mailer for both (their claim keys keep their
 * emails apart). startNotifier runs them; tests may wrap them.
 */
export async function createNotifier(deps: NotifierDeps): Promise<NotifierHandlers> {
  const { store, transport, config, logger } = deps;
  const publicBaseUrl = publicBaseUrlOf(config);
  const claims = await openClaimStore(store, { replicas: config.NATS_REPLICAS });
  const vault = deps.vault ?? (await openVault(store, { replicas: config.NATS_REPLICAS }));
  // a claim must outlive the silence NATS tolerates before it redelivers: the same bound
  const leaseMs = config.HANDLER_ACK_WAIT_MS;
  const owner = leaseOwnerId();
  const mailer = new ExactlyOnceMailer({ claims, transport, leaseMs, owner, now: deps.now });
  logger.info(
    { mailTransport: transport.kind, publicBaseUrl, claims: claims.name, owner, leaseMs },
    "notifier ready",
  );
  const mail = { from: config.MAIL_FROM, publicBaseUrl };
  return {
    notification: createNotifierHandler({ store, vault, mailer, mail }),
    failureNotice: createFailureNoticeHandler({ store, vault, mailer, mail, now: deps.now }),
  };
}

/**
 * Starts a notifier instance in this process on the shared durable consumers (the "ready" email and
 * the failure notice). Used by the notifier's own main and by the all-in-one process.
 */
export async function startNotifier(deps: NotifierDeps): Promise<RunningReactor> {
  const handlers = await createNotifier(deps);
  const notification = await startReactor(deps.store, handlers.notification, deps);
  try {
    const failureNotice = await startReactor(deps.store, handlers.failureNotice, deps);
    return {
      name: "notifier",
      stop: async () => {
        await Promise.all([notification.stop(), failureNotice.stop()]);
      },
      async check() {
        await notification.check();
        await failureNotice.check();
      },
    };
  } catch (err) {
    await notification.stop();
    throw err;
  }
}
