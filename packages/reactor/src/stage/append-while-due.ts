import type { AnyDomainEvent, Step } from "@reimagine/contracts";
import { dueRunStage, type RequestState } from "@reimagine/contracts";
import type { EventStore, RequestHistory } from "@reimagine/eventstore";
import { ConcurrencyError } from "@reimagine/eventstore";
import { stateOf } from "./read-due-stage";

/**
 * Appends the events `decide` returns while `step` is still due, guarded by the version the
 * decision was made on (`history.version`). After a lost race it re-reads and decides once more; a
 * second lost race is thrown (the runtime retries the delivery). False when nothing was appended:
 * the step was no longer due, or `decide` returned null (e.g. a newer retry owns the step).
 */
export async function appendWhileDue(
  store: EventStore,
  requestId: string,
  step: Step,
  history: RequestHistory,
  decide: (state: RequestState) => AnyDomainEvent[] | null,
): Promise<boolean> {
  let current = history;
  let tried: AnyDomainEvent[] = [];
  for (let round = 1; ; round++) {
    // The "race" may have been our own publish, stored although its answer was lost.
    if (tried.length > 0 && current.events.some((s) => s.event.id === tried[0]!.id)) return true;
    const state = stateOf(requestId, current);
    if (dueRunStage(state, step) === null) return false;
    const events = decide(state);
    if (!events) return false;
    try {
      await store.append(requestId, events, current.version);
      return true;
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || round >= 2) throw err;
      tried = events;
      current = await store.readRequest(requestId);
    }
  }
}
