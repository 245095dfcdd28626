import type { AnyDomainEvent, EventData } from "@reimagine/contracts";
import { type AppendResult, type ExpectedVersion, InMemoryEventStore } from "@reimagine/eventstore";
import { silentLogger } from "@reimagine/platform";
import { imageSubmitted, newRequestId } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import type { HandlerContext } from "../event-handler";
import { createStageHandler, failWith } from "./stage-handler";

/**
 * A store whose expected-version check lets racing appends through, as a replicated stream on
 * nats-server 2.9 does with two appends in flight that expect the same version; it still drops an
 * event whose id it has (JetStream's deduplication).
 */
class LaxVersionStore extends InMemoryEventStore {
  override append(id: string, events: AnyDomainEvent[], _expected: ExpectedVersion): Promise<AppendResult> {
    return super.append(id, events, "any");
  }
}

const ctx: HandlerContext = {
  attempt: 1,
  maxAttempts: 3,
  signal: new AbortController().signal,
  logger: silentLogger,
};

describe("two deliveries of one trigger racing to the append", () => {
  it("record one event: both publish the same event id", async () => {
    const store = new LaxVersionStore();
    let started = 0;
    let bothStarted!: () => void;
    const together = new Promise<void>((resolve) => {
      bothStarted = resolve;
    });
    const handler = createStageHandler({
      name: "test_stage",
      stage: "caption",
      store,
      giveUp: failWith("test-provider"),
      // each delivery read the request before the other appended
      async perform(): Promise<EventData<"CaptionProduced">> {
        if (++started === 2) bothStarted();
        await together;
        return { caption: `caption ${started}`, model: "m", provider: "p", latencyMs: 1 };
      },
    });
    const id = newRequestId();
    const event = imageSubmitted(id);
    const { nextExpectedVersion: position } = await store.append(id, [event], "no_stream");
    await Promise.all([handler.handle({ event, position }, ctx), handler.handle({ event, position }, ctx)]);
    const types = (await store.readRequest(id)).events.map((s) => s.event.type);
    expect(types).toEqual(["ImageSubmitted", "CaptionProduced"]);
  });
});
