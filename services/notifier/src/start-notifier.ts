import { type JetStreamEventStore, leaseOwnerId } from "@reimagine/eventstore";
import type { Config, Logger, Stoppable } from "@reimagine/platform";
import { type EventHandler, startReactor } from "@reimagine/reactor";
import { openClaimStore } from "./claims";
import { ExactlyOnceMailer } from "./exactly-once-mailer";
import type { MailTransport } from "./mail";
import { createNotifierHandler } from "./notifier-handler";
import { publicBaseUrlOf } from "./public-base-url";

export interface NotifierDeps {
  store: JetStreamEventStore;
  /** Owned by the caller, who closes it after stop(). */
  transport: MailTransport;
  config: Config;
  logger: Logger;
  /** The clock of claim leases; tests move it forward. */
  now?: () => number;
}

/**
 * The notifier's handler wired from its dependencies: PUBLIC_BASE_URL checked, the claims bucket
 * opened (created if needed), a fresh owner id. startNotifier runs it; tests may wrap it.
 */
export async function createNotifier(deps: NotifierDeps): Promise<EventHandler> {
  const { store, transport, config, logger } = deps;
  const publicBaseUrl = publicBaseUrlOf(config);
  const claims = await openClaimStore(store, { replicas: config.NATS_REPLICAS });
  // a claim must outlive the silence NATS tolerates before it redelivers: the same bound
  const leaseMs = config.HANDLER_ACK_WAIT_MS;
  const owner = leaseOwnerId();
  const mailer = new ExactlyOnceMailer({ claims, transport, leaseMs, owner, now: deps.now });
  logger.info(
    { mailTransport: transport.kind, publicBaseUrl, claims: claims.name, owner, leaseMs },
    "notifier ready",
  );
  return createNotifierHandler({ store, mailer, mail: { from: config.MAIL_FROM, publicBaseUrl } });
}

/**
 * Starts a notifier instance in this process on the shared durable consumer. Used by the
 * notifier's own main and by the all-in-one process.
 */
export async function startNotifier(deps: NotifierDeps): Promise<Stoppable> {
  return startReactor(deps.store, await createNotifier(deps), deps);
}
