import type { AnyDomainEvent } from "../events/domain-event";
import type { Stage } from "../events/stage";

/**
 * Which run of `stage` the event at `position` belongs to: the operator retries of that stage at
 * or before it (0 before any retry). It is what `RequestState.retries[stage]` was then, so a
 * delivery acts only while its run is the current one: an old trigger redelivered after a retry
 * appends nothing, and the retry's own delivery does the work.
 */
export function runOf(
  history: { events: readonly { event: AnyDomainEvent; position: number }[] },
  stage: Stage,
  position: number,
): number {
  let run = 0;
  for (const { event, position: p } of history.events) {
    if (p > position) break;
    if (event.type === "RetryRequested" && event.data.stage === stage) run++;
  }
  return run;
}
