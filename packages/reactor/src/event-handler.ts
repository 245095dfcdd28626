import type { EventType } from "@reimagine/contracts";
import type { StoredEvent } from "@reimagine/eventstore";
import type { Logger } from "@reimagine/platform";

/** What a handler gets with each delivery. */
export interface HandlerContext {
  /** 1 for the first delivery; counts redeliveries, also those after a crash. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the process shuts down and the grace period is over: hand the work back. */
  signal: AbortSignal;
  /** Carries requestId, correlationId, eventId, eventType, consumer and attempt. */
  logger: Logger;
}

/**
 * A reactor on the event log. `handle` must be idempotent: it may see the same event again after
 * a crash, a redelivery or a redrive. Throwing means "try again later" (with backoff, honouring
 * an error's `retryAfterMs`); an error with `retryable: false` means "no point retrying".
 */
export interface EventHandler {
  /** Durable consumer name, shared by every instance of this handler. */
  name: string;
  /** Event types this handler reacts to; any other event is acknowledged without work. */
  handles: readonly EventType[];
  handle(stored: StoredEvent, ctx: HandlerContext): Promise<void>;
  /**
   * Called when attempts run out or an error is permanent: records the failure as an event
   * (e.g. CaptionFailed). If absent or if it throws, the event goes to the dead-letter stream;
   * "dead-letter" parks it there too, after the failure is recorded, for an operator to requeue.
   */
  onExhausted?(stored: StoredEvent, error: unknown, ctx: HandlerContext): Promise<undefined | "dead-letter">;
}
