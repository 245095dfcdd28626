import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamManager,
  ReplayPolicy,
} from "@nats-io/jetstream";

export interface DurableConsumerOptions {
  stream: string;
  name: string;
  filterSubject: string;
  ackWaitMs: number;
  /** Upper bound of unacknowledged messages across all instances sharing the consumer. */
  maxAckPending?: number;
}

/**
 * Creates or updates a durable pull consumer with explicit acks. Instances of a handler share it
 * (competing consumers). Attempts are bounded by the handler runtime, not by max_deliver, so a
 * message that runs out of attempts is dead-lettered by us rather than silently parked.
 */
export async function ensureDurableConsumer(jsm: JetStreamManager, o: DurableConsumerOptions): Promise<void> {
  const config = {
    durable_name: o.name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    filter_subject: o.filterSubject,
    ack_wait: o.ackWaitMs * 1_000_000,
    max_deliver: -1,
    max_ack_pending: o.maxAckPending ?? 10_000,
  };
  let existing: Partial<ConsumerConfig>;
  try {
    existing = (await jsm.consumers.info(o.stream, o.name)).config;
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === 10014) {
      await jsm.consumers.add(o.stream, config);
      return;
    }
    throw err;
  }
  const { durable_name: _d, deliver_policy: _p, replay_policy: _r, ...mutable } = config;
  // Update only on a real change: every instance calls this at start-up, and an update while
  // another instance holds messages is not free (on 2.9 it can reset delivery counts).
  const changed = Object.entries(mutable).some(([k, v]) => existing[k as keyof ConsumerConfig] !== v);
  if (changed) await jsm.consumers.update(o.stream, o.name, mutable);
}
