import type { StoredEvent } from "@reimagine/eventstore";
import { contextFromTraceparent, tracer } from "@reimagine/platform";

/**
 * One span per projected event, in the trace of the request that produced it (from the event's
 * traceparent), covering the batch's commit: the read side closes each request's trace.
 */
export function traceProjection(projection: string, events: StoredEvent[], startedAt: number): void {
  const endedAt = Date.now();
  for (const { event, position } of events) {
    if (!event.metadata.traceparent) continue;
    tracer
      .startSpan(
        `project ${event.type}`,
        {
          startTime: startedAt,
          attributes: {
            "reimagine.projection": projection,
            "reimagine.request_id": event.requestId,
            "reimagine.position": position,
            "reimagine.batch_size": events.length,
          },
        },
        contextFromTraceparent(event.metadata.traceparent),
      )
      .end(endedAt);
  }
}
