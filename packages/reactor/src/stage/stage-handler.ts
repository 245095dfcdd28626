import {
  type AnyDomainEvent,
  causedBy,
  dueRunStage,
  type EventData,
  type EventType,
  newEvent,
  type RequestState,
  STEPS,
  type StageFailureOf,
  type Step,
  type StepFailureOf,
  type StepResultOf,
} from "@reimagine/contracts";
import type { EventStore, StoredEvent } from "@reimagine/eventstore";
import { currentTraceparent } from "@reimagine/platform";
import type { EventHandler, HandlerContext } from "../event-handler";
import { appendWhileDue } from "./append-while-due";
import { type DueStage, readDueStage, stateOf } from "./read-due-stage";
import { resultEventId } from "./result-event-id";
import { stageFailure } from "./stage-failure";

/** What a step records when it gives up: its failure, or the success that did happen after all. */
export type GiveUpOutcome<S extends Step> =
  | { failed: EventData<StepFailureOf<S>> }
  | { produced: EventData<StepResultOf<S>> };

/** What makes one step's reactor: its step (a stage, or the failure notice), its work, and what it records when it gives up. */
export interface StageHandlerSpec<S extends Step> {
  /** Durable consumer name, shared by every instance. */
  name: string;
  stage: S;
  store: EventStore;
  /**
   * Does the stage's work on a request where it is due and returns the success event's data.
   * Throws to retry later; an error with `retryable: false` gives up at once.
   */
  perform(due: DueStage, ctx: HandlerContext): Promise<EventData<StepResultOf<S>>>;
  /**
   * What to record when attempts run out or the error is permanent (see `failWith` for the model
   * stages). Throwing instead dead-letters the trigger, for an operator to look at.
   */
  giveUp(error: unknown, due: DueStage, ctx: HandlerContext): Promise<GiveUpOutcome<S>>;
  /** Called once the success data is recorded, or found no longer wanted (`appended` false). */
  afterRecord?(data: EventData<StepResultOf<S>>, due: DueStage, appended: boolean): void;
  /**
   * Undoes the side effects of a result that was not recorded because the request moved on
   * meanwhile; `current` is the request as it is now, so nothing it still uses is undone.
   */
  discard?(data: EventData<StepResultOf<S>>, current: RequestState, ctx: HandlerContext): Promise<void>;
  /** Log fields for a recorded success (never personal data). */
  describe?(data: EventData<StepResultOf<S>>): Record<string, unknown>;
}

/** `giveUp` of a stage served by a model: the failure event with the error's reason, HTTP status and the provider. */
export function failWith<S extends "caption" | "generation">(provider: string) {
  return async (error: unknown, _due: DueStage, ctx: HandlerContext): Promise<GiveUpOutcome<S>> => ({
    // CaptionFailed and GenerationFailed carry exactly the StageFailure fields
    failed: stageFailure(error, ctx.attempt, provider) as EventData<StageFailureOf<S>>,
  });
}

/**
 * The one stage kit every step's reactor is built with (caption, generation, notification, and the
 * failure notice):
 * 1. re-read and fold the request; act only when the stage is due for the trigger's run;
 * 2. perform the stage's work;
 * 3. append the result guarded by the version it decided on (one re-decide after a lost race);
 * 4. when attempts run out, record what `giveUp` says, again only while the stage is due, so the
 *    request never stays pending.
 */
export function createStageHandler<S extends Step>(spec: StageHandlerSpec<S>): EventHandler {
  const { store, stage } = spec;
  const { handles, produces, fails } = STEPS[stage];

  const record = <K extends EventType>(trigger: StoredEvent, due: DueStage, type: K, data: EventData<K>) => {
    const { requestId } = trigger.event;
    // newEvent validates the data against the type's schema, so the widening below is sound. The
    // id is the trigger's and run's: a second delivery racing this one records the same event.
    const event = {
      ...newEvent(type, requestId, data, causedBy(trigger.event, currentTraceparent())),
      id: resultEventId(trigger.event.id, type, due.run),
    } as AnyDomainEvent;
    // The same event (same id) on the re-decide, so a publish that did land is found, not repeated.
    return appendWhileDue(store, requestId, stage, due.history, (state) =>
      dueRunStage(state, stage) === due.runStage && state.retries[due.runStage] === due.run ? [event] : null,
    );
  };

  const recordSuccess = async (
    trigger: StoredEvent,
    due: DueStage,
    data: EventData<StepResultOf<S>>,
    ctx: HandlerContext,
  ) => {
    const appended = await record(trigger, due, produces, data);
    spec.afterRecord?.(data, due, appended);
    if (appended) {
      ctx.logger.info({ stage, run: due.run, event: produces, ...spec.describe?.(data) }, "stage done");
      return;
    }
    ctx.logger.info({ stage, run: due.run }, "request moved on meanwhile: result not recorded");
    if (spec.discard) {
      const { requestId } = trigger.event;
      await spec.discard(data, stateOf(requestId, await store.readRequest(requestId)), ctx);
    }
  };

  /** A retry of another stage never concerns this one: skipped without reading the request. */
  const concerns = ({ event }: StoredEvent) => event.type !== "RetryRequested" || event.data.stage === stage;

  return {
    name: spec.name,
    handles,

    async handle(trigger, ctx) {
      if (!concerns(trigger)) return;
      const due = await readDueStage(store, trigger, stage);
      if (!due) {
        ctx.logger.debug({ stage }, "stage not due for this event: nothing to do");
        return;
      }
      await recordSuccess(trigger, due, await spec.perform(due, ctx), ctx);
    },

    async onExhausted(trigger, error, ctx) {
      if (!concerns(trigger)) return;
      const due = await readDueStage(store, trigger, stage);
      if (!due) {
        ctx.logger.info({ stage }, "stage no longer due for this event: no failure to record");
        return;
      }
      const outcome = await spec.giveUp(error, due, ctx);
      if ("produced" in outcome) {
        await recordSuccess(trigger, due, outcome.produced, ctx);
        return;
      }
      if (await record(trigger, due, fails, outcome.failed)) {
        ctx.logger.warn({ stage, run: due.run, ...(outcome.failed as object) }, "failure recorded");
      }
    },
  };
}
