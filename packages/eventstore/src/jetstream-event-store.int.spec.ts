import type { DirectMsgRequest, StoredMsg } from "@nats-io/jetstream";
import {
  captionProduced,
  imageSubmitted,
  newRequestId,
  openTestStore,
  type TestStore,
  testNatsUrl,
} from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { EventStoreUnavailableError } from "./errors";
import { eventStoreContract } from "./event-store.contract";
import { JetStreamEventStore } from "./jetstream-event-store";
import { connectNats } from "./nats-connection";

eventStoreContract("JetStreamEventStore", openTestStore);

/**
 * Makes the store's direct gets answer as a replica that is behind would, `times` times: the last
 * message of a subject as its previous one (or none), or no next message where there is one.
 */
function laggingReplica(t: TestStore, times: number): { lagged: () => number } {
  const direct = t.store.jsm.direct;
  const real = direct.getMessage.bind(direct);
  let lagged = 0;
  direct.getMessage = async (stream: string, query: DirectMsgRequest): Promise<StoredMsg | null> => {
    if (lagged >= times) return real(stream, query);
    lagged++;
    if ("next_by_subj" in query) return null;
    if ("last_by_subj" in query) {
      const last = await real(stream, query);
      if (last === null) return null;
      // The message before the last, as a replica that has not applied the last one yet has it.
      const before = await real(stream, { next_by_subj: query.last_by_subj, seq: 1 });
      return before && before.seq < last.seq ? before : null;
    }
    return real(stream, query);
  };
  return { lagged: () => lagged };
}

describe("JetStreamEventStore on a real NATS", () => {
  it("reads a request with direct gets again until it reaches the position the caller knows of", async () => {
    const t = await openTestStore();
    try {
      const id = newRequestId();
      const first = imageSubmitted(id);
      const r1 = await t.store.append(id, [first], "no_stream");
      const r2 = await t.store.append(id, [captionProduced(first)], r1.nextExpectedVersion);
      const replica = laggingReplica(t, 3);
      const history = await t.store.readRequest(id, { atLeast: r2.nextExpectedVersion });
      expect(replica.lagged()).toBe(3);
      expect(history.events.map((s) => s.position)).toEqual([r1.nextExpectedVersion, r2.nextExpectedVersion]);
      expect(history.version).toBe(r2.nextExpectedVersion);
    } finally {
      await t.cleanup();
    }
  });

  it("never returns a history with a hole in it", async () => {
    const t = await openTestStore();
    try {
      const id = newRequestId();
      const first = imageSubmitted(id);
      const r1 = await t.store.append(id, [first], "no_stream");
      await t.store.append(id, [captionProduced(first)], r1.nextExpectedVersion);
      // The last message read fine, then "no next message" where the first one is: a lagging replica.
      const direct = t.store.jsm.direct;
      const real = direct.getMessage.bind(direct);
      let holes = 1;
      direct.getMessage = async (stream, query) =>
        "next_by_subj" in query && holes-- > 0 ? null : real(stream, query);
      const history = await t.store.readRequest(id);
      expect(history.events).toHaveLength(2);
      expect(holes).toBeLessThan(0);
    } finally {
      await t.cleanup();
    }
  });

  it("fails a request's reads as unavailable when its NATS connection is gone", async () => {
    const t = await openTestStore();
    try {
      const id = newRequestId();
      const { nextExpectedVersion } = await t.store.append(id, [imageSubmitted(id)], "no_stream");
      const nc = await connectNats(testNatsUrl(), "reimagine-test-gone");
      const gone = await JetStreamEventStore.open(nc, t.layout, {
        replicas: 1,
        duplicateWindowMs: 60_000,
        ensureStreams: false,
      });
      await nc.close();
      await expect(gone.readFirstEvent(id)).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(gone.readRequest(id, { atLeast: nextExpectedVersion })).rejects.toBeInstanceOf(
        EventStoreUnavailableError,
      );
    } finally {
      await t.cleanup();
    }
  });

  it("is idempotent for a retried append after the dedupe window has passed", async () => {
    const t = await openTestStore({ duplicateWindowMs: 1000 });
    try {
      const id = newRequestId();
      const first = imageSubmitted(id);
      const r1 = await t.store.append(id, [first], "no_stream");
      await new Promise((r) => setTimeout(r, 1500));
      const again = await t.store.append(id, [first], "no_stream");
      expect(again.positions).toEqual(r1.positions);
      expect((await t.store.readRequest(id)).events).toHaveLength(1);
      // an "any" retry of the same event is also a no-op, found by its id
      const any = await t.store.append(id, [first], "any");
      expect(any.positions).toEqual(r1.positions);
      expect((await t.store.readRequest(id)).events).toHaveLength(1);
    } finally {
      await t.cleanup();
    }
  });

  it("reports duplicate from JetStream's own dedupe inside the window", async () => {
    const t = await openTestStore();
    try {
      const id = newRequestId();
      const first = imageSubmitted(id);
      await t.store.append(id, [first], "no_stream");
      const r = await t.store.append(id, [first], 1_000_000);
      expect(r.duplicate).toBe(true);
    } finally {
      await t.cleanup();
    }
  });

  it("replays 10,000 events in order from the start and from a middle position", async () => {
    const t = await openTestStore();
    try {
      const total = 10_000;
      const ids: string[] = [];
      const batch = 250;
      for (let i = 0; i < total; i += batch) {
        const events = Array.from({ length: batch }, () => imageSubmitted(newRequestId()));
        ids.push(...events.map((e) => e.id));
        await Promise.all(events.map((e) => t.store.append(e.requestId, [e], "no_stream")));
      }
      const seen: number[] = [];
      const seenIds = new Set<string>();
      for await (const s of t.store.readAll()) {
        seen.push(s.position);
        seenIds.add(s.event.id);
      }
      expect(seen).toHaveLength(total);
      expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(seenIds).toEqual(new Set(ids));
      let count = 0;
      for await (const s of t.store.readAll({ fromPosition: 9_001 })) {
        expect(s.position).toBe(9_001 + count);
        count++;
      }
      expect(count).toBe(1_000);
    } finally {
      await t.cleanup();
    }
  });

  it("creates its streams idempotently and keeps the configured limits", async () => {
    const t = await openTestStore();
    try {
      const { JetStreamEventStore } = await import("./jetstream-event-store");
      await JetStreamEventStore.open(t.nc, t.layout, { replicas: 1, duplicateWindowMs: 30_000 });
      const info = await t.store.jsm.streams.info(t.layout.stream);
      expect(info.config.storage).toBe("file");
      expect(info.config.duplicate_window).toBe(30_000 * 1_000_000);
      expect(info.config.deny_delete).toBe(true);
      expect(info.config.num_replicas).toBe(1);
    } finally {
      await t.cleanup();
    }
  });
});
