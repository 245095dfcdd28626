import { causedBy, newEvent } from "@reimagine/contracts";
import { atPositions, newRequestId, requestFlow } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { webhookIdOf, webhookMessage, webhookTypeOf } from "./webhook-message";

describe("webhookMessage", () => {
  const id = newRequestId();
  const flow = requestFlow("failed", id);
  const failed = flow.at(-1)!;
  const retry = newEvent("RetryRequested", id, { stage: "generation", requestedBy: "ops" }, causedBy(failed));
  const events = atPositions([...flow, retry], 10);
  const trigger = events[flow.length - 1]!;

  it("is built from the events up to its trigger only, so every attempt sends the same bytes", () => {
    const now = webhookMessage(
      { events: events.slice(0, flow.length), version: 12 },
      trigger,
      "https://r.example",
    );
    const later = webhookMessage({ events, version: 13 }, trigger, "https://r.example");
    expect(JSON.stringify(later)).toBe(JSON.stringify(now));
    expect(now).toMatchObject({
      type: "request.failed",
      timestamp: failed.occurredAt,
      data: { id, status: "failed", error: { stage: "generation", attempts: 6 }, generatedImageUrl: null },
    });
  });

  it("names the webhook after its trigger and knows which events end a request", () => {
    expect(webhookIdOf(failed)).toBe(`msg_${failed.id}`);
    expect(flow.map((e) => webhookTypeOf(e))).toEqual([null, null, "request.failed"]);
    expect(webhookTypeOf(retry)).toBeNull();
  });
});
