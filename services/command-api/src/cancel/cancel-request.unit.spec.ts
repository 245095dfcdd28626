import { InMemoryEventStore } from "@reimagine/eventstore";
import { UnknownRequestError } from "@reimagine/operations";
import { newRequestId, requestFlow } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { CancelRefusedError, cancelRequest } from "./cancel-request";
import { hashCancelToken, newCancelToken } from "./cancel-token";

/** A request of the given story whose ImageSubmitted stored the hash of `token`. */
async function given(store: InMemoryEventStore, ending: Parameters<typeof requestFlow>[0], token: string) {
  const id = newRequestId();
  const events = requestFlow(ending, id);
  const submitted = events[0]!;
  if (submitted.type !== "ImageSubmitted") throw new Error("flows start with ImageSubmitted");
  submitted.data.cancelTokenHash = hashCancelToken(token);
  await store.append(id, events, "no_stream");
  return id;
}

describe("cancelRequest", () => {
  const token = newCancelToken();

  it("appends CancelRequested with the status it leaves and answers the request as cancelled", async () => {
    const store = new InMemoryEventStore();
    const id = await given(store, "captioned", token);
    const state = await cancelRequest(store, id, token);
    expect(state.status).toBe("cancelled");
    const last = (await store.readRequest(id)).events.at(-1)!.event;
    expect(last).toMatchObject({ type: "CancelRequested", data: { previousStatus: "captioned" } });
    expect(last.metadata.correlationId).toBe(id);
  });

  it("refuses a wrong token, and a request without a stored token, before saying anything else", async () => {
    const store = new InMemoryEventStore();
    const id = await given(store, "notified", token);
    await expect(cancelRequest(store, id, newCancelToken())).rejects.toMatchObject({ code: "WRONG_TOKEN" });
    const old = newRequestId();
    await store.append(old, requestFlow("captioned", old), "no_stream");
    await expect(cancelRequest(store, old, token)).rejects.toMatchObject({ code: "WRONG_TOKEN" });
  });

  it.each(["notified", "failed"] as const)("refuses a %s request as finished", async (ending) => {
    const store = new InMemoryEventStore();
    const id = await given(store, ending, token);
    const refused = cancelRequest(store, id, token);
    await expect(refused).rejects.toBeInstanceOf(CancelRefusedError);
    await expect(refused).rejects.toMatchObject({ code: "FINISHED" });
  });

  it("refuses a second cancel as finished, and an unknown request as unknown", async () => {
    const store = new InMemoryEventStore();
    const id = await given(store, "generated", token);
    await cancelRequest(store, id, token);
    await expect(cancelRequest(store, id, token)).rejects.toMatchObject({ code: "FINISHED" });
    await expect(cancelRequest(store, newRequestId(), token)).rejects.toBeInstanceOf(UnknownRequestError);
  });

  it("decides again after losing a race with a stage, on the request as it is now", async () => {
    const store = new InMemoryEventStore();
    const id = await given(store, "generated", token);
    const [notified] = requestFlow("notified", id).slice(-1);
    // the notifier records its email between the cancel's read and its append
    const racing = Object.create(store) as InMemoryEventStore;
    let raced = false;
    racing.append = async (...args) => {
      if (!raced) {
        raced = true;
        const { version } = await store.readRequest(id);
        await store.append(id, [{ ...notified!, requestId: id }], version);
      }
      return store.append(...args);
    };
    await expect(cancelRequest(racing, id, token)).rejects.toMatchObject({ code: "FINISHED" });
    expect((await store.readRequest(id)).events.map((s) => s.event.type).at(-1)).toBe("UserNotified");
  });
});
