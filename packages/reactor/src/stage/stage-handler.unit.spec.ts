import type { AnyDomainEvent, EventData, RequestState } from "@reimagine/contracts";
import { newEvent } from "@reimagine/contracts";
import type { AppendResult, ExpectedVersion, StoredEvent } from "@reimagine/eventstore";
import { ConcurrencyError, InMemoryEventStore } from "@reimagine/eventstore";
import { silentLogger } from "@reimagine/platform";
import { captionProduced, imageSubmitted, newRequestId } from "@reimagine/testing";
import { describe, expect, it, vi } from "vitest";
import type { HandlerContext } from "../event-handler";
import type { DueStage } from "./read-due-stage";
import { stateOf } from "./read-due-stage";
import type { ReasonedError } from "./stage-failure";
import { createStageHandler, failWith } from "./stage-handler";

/** A model call's failure as the model clients raise it: a safe reason and the HTTP status. */
class ModelError extends Error implements ReasonedError {
  readonly retryable = true;
  constructor(
    readonly reason: string,
    readonly httpStatus: number,
  ) {
    super(reason);
  }
}

const ctx = (attempt = 1): HandlerContext => ({
  attempt,
  maxAttempts: 3,
  signal: new AbortController().signal,
  logger: silentLogger,
});

const produced: EventData<"CaptionProduced"> = {
  caption: "a fox in the snow",
  model: "m",
  provider: "p",
  latencyMs: 7,
};

/** An in-memory store whose next `conflicts` appends lose a race (optionally after storing). */
class RacingStore extends InMemoryEventStore {
  conflicts = 0;
  storeThenConflict = false;
  override async append(
    id: string,
    events: AnyDomainEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    if (this.conflicts > 0) {
      this.conflicts--;
      if (this.storeThenConflict) await super.append(id, events, expected);
      throw new ConcurrencyError(id, expected, null);
    }
    return super.append(id, events, expected);
  }
}

function setup(
  perform?: (due: DueStage, store: InMemoryEventStore) => Promise<EventData<"CaptionProduced">>,
) {
  const store = new RacingStore();
  const discarded: { data: EventData<"CaptionProduced">; current: RequestState }[] = [];
  const performSpy = vi.fn(async (due: DueStage) => (perform ? perform(due, store) : produced));
  const handler = createStageHandler({
    name: "test_stage",
    stage: "caption",
    store,
    giveUp: failWith("test-provider"),
    perform: performSpy,
    discard: async (data, current) => void discarded.push({ data, current }),
  });
  const append = async (event: AnyDomainEvent): Promise<StoredEvent> => {
    const { positions } = await store.append(event.requestId, [event], "any");
    return { event, position: positions[0]! };
  };
  const events = async (requestId: string) => (await store.readRequest(requestId)).events.map((s) => s.event);
  const state = async (requestId: string) => stateOf(requestId, await store.readRequest(requestId));
  return { store, handler, performSpy, discarded, append, events, state };
}

const failed = (cause: AnyDomainEvent) =>
  newEvent(
    "CaptionFailed",
    cause.requestId,
    { reason: "boom", httpStatus: 500, attempts: 3 },
    { correlationId: cause.metadata.correlationId, causationId: cause.id },
  );
const retry = (cause: AnyDomainEvent) =>
  newEvent(
    "RetryRequested",
    cause.requestId,
    { stage: "caption", requestedBy: "operator" },
    { correlationId: cause.metadata.correlationId, causationId: cause.id },
  );

describe("createStageHandler", () => {
  it("performs a due stage and appends the result, caused by the trigger", async () => {
    const s = setup();
    const trigger = await s.append(imageSubmitted(newRequestId()));
    await s.handler.handle(trigger, ctx());
    const [, result] = await s.events(trigger.event.requestId);
    expect(result).toMatchObject({
      type: "CaptionProduced",
      data: produced,
      metadata: { correlationId: trigger.event.metadata.correlationId, causationId: trigger.event.id },
    });
    expect(s.performSpy).toHaveBeenCalledOnce();
    expect(s.performSpy.mock.calls[0]![0]).toMatchObject({ run: 0, state: { status: "pending" } });
  });

  it("does nothing for a second delivery: the stage is no longer due", async () => {
    const s = setup();
    const trigger = await s.append(imageSubmitted(newRequestId()));
    await s.handler.handle(trigger, ctx());
    await s.handler.handle(trigger, ctx(2));
    expect(s.performSpy).toHaveBeenCalledOnce();
    expect(await s.events(trigger.event.requestId)).toHaveLength(2);
  });

  it("ignores a stale trigger after an operator retry, and runs the retry itself", async () => {
    const s = setup();
    const submitted = await s.append(imageSubmitted(newRequestId()));
    await s.append(failed(submitted.event));
    const retried = await s.append(retry(submitted.event));
    await s.handler.handle(submitted, ctx(7));
    expect(s.performSpy).not.toHaveBeenCalled();
    await s.handler.handle(retried, ctx());
    expect(s.performSpy.mock.calls[0]![0]).toMatchObject({ run: 1 });
    expect((await s.state(submitted.event.requestId)).status).toBe("captioned");
  });

  it("records nothing and discards its result when another instance finished first", async () => {
    const s = setup(async (due, store) => {
      await store.append(
        due.state.requestId,
        [captionProduced(due.history.events[0]!.event, "theirs")],
        "any",
      );
      return produced;
    });
    const trigger = await s.append(imageSubmitted(newRequestId()));
    await s.handler.handle(trigger, ctx());
    const captions = (await s.events(trigger.event.requestId)).filter((e) => e.type === "CaptionProduced");
    expect(captions.map((e) => e.data)).toMatchObject([{ caption: "theirs" }]);
    expect(s.discarded).toMatchObject([{ data: produced, current: { caption: "theirs" } }]);
  });

  it("does not record a result whose run was superseded by a retry meanwhile", async () => {
    const s = setup(async (due, store) => {
      const first = due.history.events[0]!.event;
      await store.append(due.state.requestId, [failed(first), retry(first)], "any");
      return produced;
    });
    const trigger = await s.append(imageSubmitted(newRequestId()));
    await s.handler.handle(trigger, ctx());
    expect((await s.state(trigger.event.requestId)).status).toBe("pending");
    expect(s.discarded).toHaveLength(1);
  });

  it("re-decides once after a lost race and appends exactly once", async () => {
    const s = setup();
    const trigger = await s.append(imageSubmitted(newRequestId()));
    s.store.conflicts = 1;
    await s.handler.handle(trigger, ctx());
    const types = (await s.events(trigger.event.requestId)).map((e) => e.type);
    expect(types).toEqual(["ImageSubmitted", "CaptionProduced"]);
    expect(s.discarded).toEqual([]);
  });

  it("knows its own event when a publish landed although its answer was lost", async () => {
    const s = setup();
    const trigger = await s.append(imageSubmitted(newRequestId()));
    s.store.conflicts = 1;
    s.store.storeThenConflict = true;
    await s.handler.handle(trigger, ctx());
    expect((await s.events(trigger.event.requestId)).map((e) => e.type)).toEqual([
      "ImageSubmitted",
      "CaptionProduced",
    ]);
    expect(s.discarded).toEqual([]);
  });

  it("throws after a second lost race, so the runtime redelivers", async () => {
    const s = setup();
    const trigger = await s.append(imageSubmitted(newRequestId()));
    s.store.conflicts = 2;
    await expect(s.handler.handle(trigger, ctx())).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await s.events(trigger.event.requestId)).toHaveLength(1);
  });

  it("lets a failing perform throw and appends nothing", async () => {
    const s = setup(async () => {
      throw new ModelError("model is loading (HTTP 503)", 503);
    });
    const trigger = await s.append(imageSubmitted(newRequestId()));
    await expect(s.handler.handle(trigger, ctx())).rejects.toMatchObject({ httpStatus: 503 });
    expect(await s.events(trigger.event.requestId)).toHaveLength(1);
  });

  it("records the failure when attempts run out, so the request shows failed", async () => {
    const s = setup();
    const trigger = await s.append(imageSubmitted(newRequestId()));
    const error = new ModelError("server error (HTTP 500)", 500);
    await s.handler.onExhausted!(trigger, error, ctx(3));
    const [, event] = await s.events(trigger.event.requestId);
    expect(event).toMatchObject({
      type: "CaptionFailed",
      data: { reason: "server error (HTTP 500)", httpStatus: 500, attempts: 3, provider: "test-provider" },
      metadata: { causationId: trigger.event.id },
    });
    expect((await s.state(trigger.event.requestId)).error).toEqual({
      stage: "caption",
      category: "model-unavailable",
      message: "server error (HTTP 500)",
      attempts: 3,
    });
  });

  it("records no failure when the stage is no longer due", async () => {
    const s = setup();
    const trigger = await s.append(imageSubmitted(newRequestId()));
    await s.handler.handle(trigger, ctx());
    await s.handler.onExhausted!(trigger, new Error("late"), ctx(3));
    expect((await s.events(trigger.event.requestId)).map((e) => e.type)).toEqual([
      "ImageSubmitted",
      "CaptionProduced",
    ]);
  });
});
