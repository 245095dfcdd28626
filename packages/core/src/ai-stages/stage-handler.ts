import type { AnyDomainEvent, EventData, EventType } from "@reimagine/contracts";
import type { RequestState } from "../domain/request-state";
import { causedBy, newEvent } from "../eventstore/new-event";
import type { EventStore, StoredEvent } from "../eventstore/types";
import type { EventHandler, HandlerContext } from "../runtime/event-handler";
import { appendWhileDue } from "../stages/append-while-due";
import { type DueStage, readDueStage } from "../stages/read-due-stage";
import { stageFailure } from "../stages/stage-failure";
import { stateOf } from "../stages/state-of";
import { currentTraceparent } from "../telemetry/trace-context";
import { AI_STAGES, type AiStage, type StageResultOf } from "./ai-stages";

/** What makes one AI stage handler: its stage, its work, and the provider it reports. */
export interface StageHandlerSpec<S extends AiStage> {
  /** Durable consumer name, shared by every instance. */
  name: string;
  stage: S;
  store: EventStore;
  /** Provider label recorded in the failure event. */
  provider: string;
  /**
   * Does the stage's work on a request where it is due and returns the success event's data.
   * Throws to retry later; an error with `retryable: false` fails the stage at once.
   */
  perform(due: DueStage, ctx: HandlerContext): Promise<EventData<StageResultOf<S>>>;
  /**
   * Undoes the side effects of a result that was not recorded because the request moved on
   * meanwhile; `current` is the request as it is now, so nothing it still uses is undone.
   */
  discard?(data: EventData<StageResultOf<S>>, current: RequestState, ctx: HandlerContext): Promise<void>;
}

/**
 * An EventHandler for one stage: re-read and fold the request, act only when the stage is due for
 * the trigger's run, perform, then append the result guarded by the version it decided on (one
 * re-decide after a lost race). When attempts run out, records the *Failed event, again only while
 * the stage is due, so the request shows `failed` and never stays pending.
 */
export function createStageHandler<S extends AiStage>(spec: StageHandlerSpec<S>): EventHandler {
  const { store, stage } = spec;
  const { handles, produces, fails } = AI_STAGES[stage];

  const record = <K extends EventType>(trigger: StoredEvent, due: DueStage, type: K, data: EventData<K>) => {
    const { requestId } = trigger.event;
    // newEvent validates the data against the type's schema, so the widening below is sound.
    const event = newEvent(
      type,
      requestId,
      data,
      causedBy(trigger.event, currentTraceparent()),
    ) as AnyDomainEvent;
    // The same event (same id) on the re-decide, so a publish that did land is found, not repeated.
    return appendWhileDue(store, requestId, stage, due.history, (state) =>
      state.retries[stage] === due.run ? [event] : null,
    );
  };

  return {
    name: spec.name,
    handles,

    async handle(trigger, ctx) {
      const due = await readDueStage(store, trigger, stage);
      if (!due) {
        ctx.logger.debug({ stage }, "stage not due for this event: nothing to do");
        return;
      }
      const data = await spec.perform(due, ctx);
      if (await record(trigger, due, produces, data)) {
        const { provider, latencyMs } = data;
        ctx.logger.info({ stage, run: due.run, event: produces, provider, latencyMs }, "stage done");
        return;
      }
      ctx.logger.info({ stage, run: due.run }, "request moved on meanwhile: result not recorded");
      if (spec.discard) await spec.discard(data, await currentState(store, trigger.event.requestId), ctx);
    },

    async onExhausted(trigger, error, ctx) {
      const due = await readDueStage(store, trigger, stage);
      if (!due) return;
      const failure = stageFailure(error, ctx.attempt, spec.provider);
      if (await record(trigger, due, fails, failure)) {
        ctx.logger.info({ stage, run: due.run, ...failure }, "failure recorded");
      }
    },
  };
}

async function currentState(store: EventStore, requestId: string): Promise<RequestState> {
  return stateOf(requestId, await store.readRequest(requestId));
}
