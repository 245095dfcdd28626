import type { EventData } from "@reimagine/contracts";
import {
  HistoryBehindError,
  InMemoryEventStore,
  type ReadRequestOptions,
  type RequestHistory,
  type StoredEvent,
} from "@reimagine/eventstore";
import { silentLogger } from "@reimagine/platform";
import { imageSubmitted, newRequestId } from "@reimagine/testing";
import { describe, expect, it, vi } from "vitest";
import type { HandlerContext } from "../event-handler";
import { createStageHandler, failWith } from "./stage-handler";

/**
 * A store whose reads a replica one event behind answers, `staleReads` times: the newest event of
 * the request is missing. Like the JetStream store it keeps an explicit `atLeast` (it fails as
 * transient rather than end before it), but without one it returns what the replica has: the worst
 * a caller can meet, so the stage kit must not lean on the store's own floor.
 */
class LaggingReplicaStore extends InMemoryEventStore {
  staleReads = 0;
  override async readRequest(requestId: string, options: ReadRequestOptions = {}): Promise<RequestHistory> {
    const current = await super.readRequest(requestId, options);
    if (this.staleReads === 0) return current;
    this.staleReads--;
    const events = current.events.slice(0, -1);
    const version = events.at(-1)?.position ?? 0;
    if (version < (options.atLeast ?? 0)) {
      throw new HistoryBehindError(
        `request ${requestId}: the read ends at ${version}, before ${options.atLeast}`,
      );
    }
    return { events, version };
  }
}

const ctx: HandlerContext = {
  attempt: 1,
  maxAttempts: 3,
  signal: new AbortController().signal,
  logger: silentLogger,
};

const produced: EventData<"CaptionProduced"> = { caption: "a fox", model: "m", provider: "p", latencyMs: 1 };

describe("the stage kit on a history read from a replica behind the trigger", () => {
  it("never takes the stage for not due: the delivery fails (handed back), and a later one does the work", async () => {
    const store = new LaggingReplicaStore();
    const perform = vi.fn(async () => produced);
    const handler = createStageHandler({
      name: "test_stage",
      stage: "caption",
      store,
      perform,
      giveUp: failWith("test-provider"),
    });
    const id = newRequestId();
    const event = imageSubmitted(id);
    const { nextExpectedVersion: position } = await store.append(id, [event], "no_stream");
    const trigger: StoredEvent = { event, position };

    // Every read of this delivery meets the lagging replica: it must not end as "nothing to do".
    store.staleReads = Number.POSITIVE_INFINITY;
    await expect(handler.handle(trigger, ctx)).rejects.toBeInstanceOf(HistoryBehindError);
    expect(perform).not.toHaveBeenCalled();

    store.staleReads = 0;
    await handler.handle(trigger, ctx);
    expect(perform).toHaveBeenCalledTimes(1);
    const types = (await store.readRequest(id)).events.map((s) => s.event.type);
    expect(types).toEqual(["ImageSubmitted", "CaptionProduced"]);
  });
});
