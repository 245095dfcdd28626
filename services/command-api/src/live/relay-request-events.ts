import { evolveRequest, initialRequestState, isFinished } from "@reimagine/contracts";
import type { EventStore } from "@reimagine/eventstore";
import type { Logger } from "@reimagine/platform";
import type { SSEStreamingApi } from "hono/streaming";
import { toPublicEvent } from "./public-event";

export interface RelayOptions {
  store: EventStore;
  requestId: string;
  /** Last-Event-ID: the position of the last event the client has; null for a first connection. */
  after: number | null;
  /** The request's version when the client connected: events up to it are history, after it live. */
  caughtUpAt: number;
  baseUrl: string;
  heartbeatMs: number;
  /** Longest a stream stays open; the client reconnects with Last-Event-ID and misses nothing. */
  maxMs: number;
  /** Aborted when the API shuts down: every stream ends, clients resume elsewhere. */
  shutdown?: AbortSignal;
  logger: Logger;
}

/** How long a browser waits before reconnecting after the stream closes without an end. */
const RECONNECT_MS = 2000;

/**
 * Relays one request's events from the log (a JetStream push, never a poll of the read model) to a
 * server-sent event stream: one SSE event per domain event, `id` = its position, skipping those at
 * or below `after` (so a resume has no gap and no repeat), comments as heartbeats, and a final
 * `end` event once the request is finished and the history read at connect time has been sent.
 * Errors end the stream without a message (the client reconnects and resumes); they are logged.
 */
export async function relayRequestEvents(stream: SSEStreamingApi, o: RelayOptions): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  stream.onAbort(stop);
  o.shutdown?.addEventListener("abort", stop, { once: true });
  const deadline = setTimeout(stop, o.maxMs);
  const heartbeat = setInterval(() => {
    stream.write(": keep-alive\n\n").catch(stop);
  }, o.heartbeatMs);
  let state = initialRequestState(o.requestId);
  let first = true;
  try {
    for await (const stored of o.store.watchRequest(o.requestId, { signal: controller.signal })) {
      // Every event is folded, also those the client has: the status sent is the request's own.
      state = evolveRequest(state, stored.event);
      if (o.after === null || stored.position > o.after) {
        await stream.writeSSE({
          id: String(stored.position),
          event: stored.event.type,
          data: JSON.stringify(toPublicEvent(stored, state, o.baseUrl)),
          ...(first ? { retry: RECONNECT_MS } : {}),
        });
        first = false;
      }
      // A failure in the history may have been retried since: only the present state ends it.
      if (stored.position >= o.caughtUpAt && isFinished(state.status)) {
        await stream.writeSSE({ event: "end", data: JSON.stringify({ status: state.status }) });
        return;
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) o.logger.warn({ err, requestId: o.requestId }, "event stream broken off");
  } finally {
    clearInterval(heartbeat);
    clearTimeout(deadline);
    o.shutdown?.removeEventListener("abort", stop);
    controller.abort();
  }
}
