import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { StoredEvent } from "@reimagine/eventstore";
import {
  connectNats,
  ensureDurableConsumer,
  JetStreamEventStore,
  listDeadLetters,
  requeueDeadLetter,
} from "@reimagine/eventstore";
import { silentLogger } from "@reimagine/platform";
import {
  captionProduced,
  imageSubmitted,
  newRequestId,
  openTestStore,
  type TestStore,
  testNatsUrl,
  waitFor,
  waitForDeadLetters,
} from "@reimagine/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EventHandler, HandlerContext } from "./event-handler";
import { HandlerRuntime, type HandlerRuntimeOptions } from "./handler-runtime";

const options = (o: Partial<HandlerRuntimeOptions> = {}): HandlerRuntimeOptions => ({
  concurrency: 4,
  maxAttempts: 3,
  ackWaitMs: 2000,
  backoff: { baseMs: 50, maxMs: 200 },
  graceMs: 2000,
  logger: silentLogger,
  ...o,
});

function recordingHandler(
  behaviour: (s: StoredEvent, ctx: HandlerContext) => Promise<void> = async () => undefined,
): EventHandler & { seen: { id: string; attempt: number }[]; exhausted: { id: string; error: string }[] } {
  const seen: { id: string; attempt: number }[] = [];
  const exhausted: { id: string; error: string }[] = [];
  return {
    name: "test_handler",
    handles: ["ImageSubmitted"],
    seen,
    exhausted,
    async handle(s, ctx) {
      seen.push({ id: s.event.id, attempt: ctx.attempt });
      await behaviour(s, ctx);
    },
    async onExhausted(s, error) {
      exhausted.push({ id: s.event.id, error: (error as Error).message });
    },
  };
}

describe("HandlerRuntime on a real NATS", () => {
  let t: TestStore;
  const runtimes: HandlerRuntime[] = [];
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.stop()));
    await t.cleanup();
  });
  const run = async (handler: EventHandler, o?: Partial<HandlerRuntimeOptions>, store = t.store) => {
    const r = new HandlerRuntime(store, handler, options(o));
    runtimes.push(r);
    await r.start();
    return r;
  };

  it("says in its health while its consumer cannot deliver, and recovers when it can", async () => {
    const handler = recordingHandler();
    const runtime = await run(handler);
    expect(runtime.health()).toBeNull();
    // The consumer gone (as when its node dies before another is elected): pulls fail.
    await t.store.jsm.consumers.delete(t.store.layout.stream, handler.name);
    await waitFor(() => runtime.health() !== null, { timeoutMs: 15_000 });
    expect(runtime.health()).toMatch(/^consumer test_handler: pulls failing for \d+ s/);
    await ensureDurableConsumer(t.store.jsm, {
      stream: t.store.layout.stream,
      name: handler.name,
      filterSubject: t.store.layout.allEvents,
      ackWaitMs: 2000,
    });
    const a = imageSubmitted(newRequestId());
    await t.store.append(a.requestId, [a], "no_stream");
    await waitFor(() => handler.seen.length === 1, { timeoutMs: 15_000 });
    expect(runtime.health()).toBeNull();
  });

  it("delivers the events it handles once and skips the others", async () => {
    const handler = recordingHandler();
    await run(handler);
    const a = imageSubmitted(newRequestId());
    await t.store.append(a.requestId, [a], "no_stream");
    await t.store.append(a.requestId, [captionProduced(a)], "any");
    await waitFor(() => handler.seen.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(handler.seen).toEqual([{ id: a.id, attempt: 1 }]);
  });

  it("retries with backoff, then records the failure when attempts run out", async () => {
    const handler = recordingHandler(async () => {
      throw new Error("model is loading");
    });
    await run(handler);
    const a = imageSubmitted(newRequestId());
    await t.store.append(a.requestId, [a], "no_stream");
    await waitFor(() => handler.exhausted.length === 1);
    expect(handler.seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(handler.exhausted[0]).toEqual({ id: a.id, error: "model is loading" });
  });

  it("does not retry an error marked retryable: false", async () => {
    const handler = recordingHandler(async () => {
      throw Object.assign(new Error("401 bad token"), { retryable: false });
    });
    await run(handler);
    const a = imageSubmitted(newRequestId());
    await t.store.append(a.requestId, [a], "no_stream");
    await waitFor(() => handler.exhausted.length === 1);
    expect(handler.seen).toHaveLength(1);
  });

  it("dead-letters when no failure can be recorded, and an operator can requeue it", async () => {
    let failing = true;
    const handler = recordingHandler(async () => {
      if (failing) throw new Error("boom");
    });
    handler.onExhausted = undefined;
    await run(handler);
    const a = imageSubmitted(newRequestId());
    await t.store.append(a.requestId, [a], "no_stream");
    const letters = await waitForDeadLetters(t.store, 1);
    expect(letters[0]).toMatchObject({
      consumer: "test_handler",
      requestId: a.requestId,
      eventType: "ImageSubmitted",
      attempts: 3,
      reason: "Error: boom",
    });
    expect(letters[0]!.event?.id).toBe(a.id);
    failing = false;
    await requeueDeadLetter(t.store, letters[0]!.id);
    await waitFor(() => handler.seen.length === 4);
    expect(await listDeadLetters(t.store)).toEqual([]);
  });

  it("records the failure and then dead-letters when onExhausted asks for both", async () => {
    const handler = recordingHandler(async () => {
      throw new Error("receiver down");
    });
    const recorded = handler.onExhausted!.bind(handler);
    handler.onExhausted = async (s, error, ctx) => {
      await recorded(s, error, ctx);
      return "dead-letter";
    };
    await run(handler);
    const a = imageSubmitted(newRequestId());
    await t.store.append(a.requestId, [a], "no_stream");
    const letters = await waitForDeadLetters(t.store, 1);
    expect(handler.exhausted).toEqual([{ id: a.id, error: "receiver down" }]);
    expect(letters[0]).toMatchObject({
      consumer: "test_handler",
      attempts: 3,
      reason: "Error: receiver down",
    });
  });

  it("redelivers to another instance when a consumer dies without acking", async () => {
    const nc2 = await connectNats(testNatsUrl(), "dying-instance");
    const store2 = await JetStreamEventStore.open(nc2, t.layout, { replicas: 1, duplicateWindowMs: 60_000 });
    const dying = recordingHandler(() => new Promise(() => undefined)); // hangs, never acks
    dying.name = "test_handler";
    await run(dying, { ackWaitMs: 1000 }, store2);
    const a = imageSubmitted(newRequestId());
    await t.store.append(a.requestId, [a], "no_stream");
    await waitFor(() => dying.seen.length === 1);
    await nc2.close(); // the process dies: no ack, no nak
    const survivor = recordingHandler();
    await run(survivor, { ackWaitMs: 1000 });
    await waitFor(() => survivor.seen.length === 1, { timeoutMs: 20_000 });
    expect(survivor.seen[0]).toEqual({ id: a.id, attempt: 2 });
  });

  it("keeps a message it works on for longer than ack_wait (progress heartbeat): no second delivery", async () => {
    // Two instances compete: were the message not kept alive, NATS would hand it to the other one.
    const slow = recordingHandler(() => new Promise((r) => setTimeout(r, 3500)));
    const other = recordingHandler(() => new Promise((r) => setTimeout(r, 3500)));
    await run(slow, { ackWaitMs: 1000, concurrency: 1 });
    await run(other, { ackWaitMs: 1000, concurrency: 1 });
    const a = imageSubmitted(newRequestId());
    await t.store.append(a.requestId, [a], "no_stream");
    await waitFor(() => slow.seen.length + other.seen.length === 1);
    // three and a half ack waits: enough for NATS to redeliver twice if the heartbeat were missing
    await new Promise((r) => setTimeout(r, 4500));
    expect([...slow.seen, ...other.seen]).toEqual([{ id: a.id, attempt: 1 }]);
    const info = await t.store.jsm.consumers.info(t.layout.stream, "test_handler");
    expect([info.num_ack_pending, info.num_redelivered]).toEqual([0, 0]);
  });

  it("shares the work between two instances: every event handled exactly once", async () => {
    const slow = async () => new Promise<void>((r) => setTimeout(r, 20));
    const one = recordingHandler(slow);
    const two = recordingHandler(slow);
    await run(one, { concurrency: 2 });
    await run(two, { concurrency: 2 });
    const events = Array.from({ length: 40 }, () => imageSubmitted(newRequestId()));
    await Promise.all(events.map((e) => t.store.append(e.requestId, [e], "no_stream")));
    await waitFor(() => one.seen.length + two.seen.length >= 40);
    await new Promise((r) => setTimeout(r, 300));
    const all = [...one.seen, ...two.seen].map((s) => s.id);
    expect(new Set(all).size).toBe(40);
    expect(all).toHaveLength(40);
    expect(one.seen.length).toBeGreaterThan(0);
    expect(two.seen.length).toBeGreaterThan(0);
  });

  it("never runs more than `concurrency` at once", async () => {
    let now = 0;
    let peak = 0;
    const handler = recordingHandler(async () => {
      peak = Math.max(peak, ++now);
      await new Promise((r) => setTimeout(r, 30));
      now--;
    });
    await run(handler, { concurrency: 3 });
    const events = Array.from({ length: 20 }, () => imageSubmitted(newRequestId()));
    await Promise.all(events.map((e) => t.store.append(e.requestId, [e], "no_stream")));
    await waitFor(() => handler.seen.length === 20);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });

  it("on stop lets in-flight work finish, and hands back what outlives the grace period", async () => {
    const finished: { id: string; by: string }[] = [];
    const work = (by: string) => async (s: StoredEvent, ctx: HandlerContext) => {
      if (
        by === "first" &&
        s.event.type === "ImageSubmitted" &&
        s.event.data.originalKey.startsWith("slow/")
      ) {
        // a long call that honours the abort signal, as the AI and mail calls do
        await new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
        );
      }
      await new Promise((r) => setTimeout(r, 200));
      finished.push({ id: s.event.id, by });
    };
    const first = recordingHandler(work("first"));
    const firstRuntime = await run(first, { graceMs: 500 });
    const quick = imageSubmitted(newRequestId(), { originalKey: "quick/original.jpg" });
    const slow = imageSubmitted(newRequestId(), { originalKey: "slow/original.jpg" });
    await t.store.append(quick.requestId, [quick], "no_stream");
    await t.store.append(slow.requestId, [slow], "no_stream");
    await waitFor(() => first.seen.length === 2);
    await firstRuntime.stop();
    // the quick one finished within the grace period; the slow one was aborted, not acked
    expect(finished).toEqual([{ id: quick.id, by: "first" }]);
    // it was handed back (nak), so the next instance gets it without waiting for ack_wait
    const second = recordingHandler(work("second"));
    await run(second);
    await waitFor(() => finished.length === 2, { timeoutMs: 30_000 });
    expect(finished[1]).toEqual({ id: slow.id, by: "second" });
    expect(second.seen.map((s) => s.id)).toEqual([slow.id]);
  });

  it("carries the trace context from the event into the handler", async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      let seenTraceId: string | undefined;
      const handler = recordingHandler(async () => {
        seenTraceId = trace.getSpanContext(context.active())?.traceId;
      });
      await run(handler);
      const a = imageSubmitted(newRequestId());
      a.metadata.traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
      await t.store.append(a.requestId, [a], "no_stream");
      await waitFor(() => handler.seen.length === 1);
      expect(seenTraceId).toBe(traceId);
    } finally {
      propagation.disable();
      context.disable();
    }
  });
});
