import { InMemoryEventStore, type ReadRequestOptions } from "@reimagine/eventstore";
import { imageSubmitted, newRequestId } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { readDueStage } from "./read-due-stage";

describe("readDueStage", () => {
  it("reads the trigger's request up to at least the trigger's position", async () => {
    const store = new InMemoryEventStore();
    const id = newRequestId();
    const event = imageSubmitted(id);
    const { nextExpectedVersion: position } = await store.append(id, [event], "no_stream");
    const reads: (ReadRequestOptions | undefined)[] = [];
    const read = store.readRequest.bind(store);
    store.readRequest = (requestId, options) => {
      reads.push(options);
      return read(requestId, options);
    };
    const due = await readDueStage(store, { event, position }, "caption");
    expect(due?.history.version).toBe(position);
    expect(reads).toEqual([{ atLeast: position }]);
  });
});
