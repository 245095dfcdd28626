import { type AnyDomainEvent, InvalidEventError } from "@reimagine/contracts";
import { captionProduced, imageSubmitted, newRequestId } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConcurrencyError, EventStoreUnavailableError, OrderedAppendError } from "./errors";
import { InvalidRequestIdError } from "./request-guards";
import type { EventStore } from "./types";

/** The behaviour every EventStore adapter must have; run by each adapter's spec. */
export function eventStoreContract(
  name: string,
  open: () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>,
): void {
  describe(`${name}: EventStore contract`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ store, cleanup } = await open());
    });
    afterAll(async () => cleanup?.());

    it("appends to a new request with no_stream and reads it back in order", async () => {
      const id = newRequestId();
      const first = imageSubmitted(id);
      const r1 = await store.append(id, [first], "no_stream");
      const second = captionProduced(first);
      const r2 = await store.append(id, [second], r1.nextExpectedVersion);
      expect(r2.nextExpectedVersion).toBeGreaterThan(r1.nextExpectedVersion);
      const history = await store.readRequest(id);
      expect(history.events.map((s) => s.event.id)).toEqual([first.id, second.id]);
      expect(history.events[1]!.event).toEqual(second);
      expect(history.version).toBe(r2.nextExpectedVersion);
    });

    it("reads one request's events only, in order, among others written in between", async () => {
      const a = newRequestId();
      const b = newRequestId();
      const aFirst = imageSubmitted(a);
      const bFirst = imageSubmitted(b);
      let va = (await store.append(a, [aFirst], "no_stream")).nextExpectedVersion;
      let vb = (await store.append(b, [bFirst], "no_stream")).nextExpectedVersion;
      const aEvents: AnyDomainEvent[] = [aFirst];
      for (let i = 0; i < 3; i++) {
        const next = captionProduced(aFirst, `a${i}`);
        aEvents.push(next);
        va = (await store.append(a, [next], va)).nextExpectedVersion;
        vb = (await store.append(b, [captionProduced(bFirst, `b${i}`)], vb)).nextExpectedVersion;
      }
      const history = await store.readRequest(a);
      expect(history.events.map((s) => s.event)).toEqual(aEvents);
      expect(history.version).toBe(va);
      const positions = history.events.map((s) => s.position);
      expect(positions).toEqual([...positions].sort((x, y) => x - y));
    });

    it("reads up to a position it is told is there (atLeast)", async () => {
      const id = newRequestId();
      const { nextExpectedVersion } = await store.append(id, [imageSubmitted(id)], "no_stream");
      const history = await store.readRequest(id, { atLeast: nextExpectedVersion });
      expect(history.version).toBe(nextExpectedVersion);
    });

    it("fails as unavailable (transient) when the history stays short of atLeast", async () => {
      const id = newRequestId();
      const { nextExpectedVersion } = await store.append(id, [imageSubmitted(id)], "no_stream");
      await expect(
        store.readRequest(id, { atLeast: nextExpectedVersion + 1_000_000 }),
      ).rejects.toBeInstanceOf(EventStoreUnavailableError);
    });

    it("reads an unknown request as empty with version 0", async () => {
      expect(await store.readRequest(newRequestId())).toEqual({ events: [], version: 0 });
    });

    it("reads a request's first event alone, and null for a request without events", async () => {
      const id = newRequestId();
      expect(await store.readFirstEvent(id)).toBeNull();
      const first = imageSubmitted(id);
      const other = newRequestId();
      await store.append(other, [imageSubmitted(other)], "no_stream");
      const r = await store.append(id, [first, captionProduced(first, "a")], "no_stream");
      await store.append(id, [captionProduced(first, "b")], r.nextExpectedVersion);
      expect(await store.readFirstEvent(id)).toEqual({ event: first, position: r.positions[0] });
      await expect(store.readFirstEvent("x.>")).rejects.toBeInstanceOf(InvalidRequestIdError);
    });

    it("rejects no_stream when the request already has events", async () => {
      const id = newRequestId();
      await store.append(id, [imageSubmitted(id)], "no_stream");
      await expect(store.append(id, [imageSubmitted(id)], "no_stream")).rejects.toBeInstanceOf(
        ConcurrencyError,
      );
    });

    it("rejects a stale expected version and keeps the history unchanged", async () => {
      const id = newRequestId();
      const first = imageSubmitted(id);
      const r1 = await store.append(id, [first], "no_stream");
      await store.append(id, [captionProduced(first, "one")], r1.nextExpectedVersion);
      const err = await store
        .append(id, [captionProduced(first, "two")], r1.nextExpectedVersion)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConcurrencyError);
      const history = await store.readRequest(id);
      expect(history.events).toHaveLength(2);
    });

    it("treats a repeated append of the same events as a no-op", async () => {
      const id = newRequestId();
      const first = imageSubmitted(id);
      const r1 = await store.append(id, [first], "no_stream");
      const again = await store.append(id, [first], "no_stream");
      expect(again.duplicate).toBe(true);
      expect(again.positions).toEqual(r1.positions);
      expect((await store.readRequest(id)).events).toHaveLength(1);
    });

    it("appends several events in one call, in order", async () => {
      const id = newRequestId();
      const first = imageSubmitted(id);
      const events = [first, captionProduced(first, "a"), captionProduced(first, "b")];
      const r = await store.append(id, events, "no_stream");
      expect(r.positions).toHaveLength(3);
      expect([...r.positions].sort((a, b) => a - b)).toEqual(r.positions);
      expect((await store.readRequest(id)).events.map((s) => s.event.id)).toEqual(events.map((e) => e.id));
    });

    it("with expected 'any' appends after whatever is there", async () => {
      const id = newRequestId();
      const first = imageSubmitted(id);
      await store.append(id, [first], "any");
      await store.append(id, [captionProduced(first)], "any");
      expect((await store.readRequest(id)).events).toHaveLength(2);
    });

    it("validates every event on write: bad metadata or another request's event is refused, nothing stored", async () => {
      const id = newRequestId();
      const bad = imageSubmitted(id);
      (bad.metadata as { causationId: unknown }).causationId = null;
      await expect(store.append(id, [bad], "no_stream")).rejects.toBeInstanceOf(InvalidEventError);
      await expect(store.append(id, [imageSubmitted(newRequestId())], "no_stream")).rejects.toBeInstanceOf(
        InvalidEventError,
      );
      expect(await store.readRequest(id)).toEqual({ events: [], version: 0 });
    });

    it("refuses a request id that is not a UUID (it would become a subject)", async () => {
      await expect(store.readRequest("x.>")).rejects.toBeInstanceOf(InvalidRequestIdError);
    });

    it("reads everything from a position, in global order", async () => {
      const head = await store.headPosition();
      const ids = [newRequestId(), newRequestId()];
      const submitted = ids.map((id) => imageSubmitted(id));
      for (const e of submitted) await store.append(e.requestId, [e], "no_stream");
      const seen = [];
      for await (const s of store.readAll({ fromPosition: head + 1 })) seen.push(s);
      expect(seen.map((s) => s.event.id)).toEqual(submitted.map((e) => e.id));
      expect(seen[1]!.position).toBeGreaterThan(seen[0]!.position);
      expect(await store.headPosition()).toBe(seen[1]!.position);
    });

    it("lets exactly one of many concurrent appenders win each version", async () => {
      const id = newRequestId();
      const first = imageSubmitted(id);
      let version = (await store.append(id, [first], "no_stream")).nextExpectedVersion;
      for (let round = 0; round < 5; round++) {
        const contenders = Array.from({ length: 16 }, (_, i) => captionProduced(first, `r${round}c${i}`));
        const results = await Promise.allSettled(contenders.map((e) => store.append(id, [e], version)));
        const won = results.filter((r) => r.status === "fulfilled");
        const lost = results.filter((r) => r.status === "rejected");
        expect(won).toHaveLength(1);
        for (const l of lost) expect((l as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
        version = (won[0] as PromiseFulfilledResult<{ nextExpectedVersion: number }>).value
          .nextExpectedVersion;
      }
      expect((await store.readRequest(id)).events).toHaveLength(6);
    });
    it("watches a request: its history, then events appended later, in order, until aborted", async () => {
      const id = newRequestId();
      const first = imageSubmitted(id);
      const r = await store.append(id, [first], "no_stream");
      const other = newRequestId();
      const controller = new AbortController();
      const seen: [string, number][] = [];
      const watching = (async () => {
        for await (const s of store.watchRequest(id, { signal: controller.signal })) {
          seen.push([s.event.type, s.position]);
          if (seen.length === 2) controller.abort();
        }
      })();
      await store.append(other, [imageSubmitted(other)], "no_stream");
      const second = await store.append(id, [captionProduced(first)], r.nextExpectedVersion);
      await watching;
      expect(seen).toEqual([
        ["ImageSubmitted", r.nextExpectedVersion],
        ["CaptionProduced", second.nextExpectedVersion],
      ]);
    });

    it("appends in order right after the head: each event where predicted, requests interleaved", async () => {
      const head = await store.headPosition();
      const [a, b] = [imageSubmitted(newRequestId()), imageSubmitted(newRequestId())];
      const events = [a, b, captionProduced(a, "a"), captionProduced(b, "b"), captionProduced(a, "again")];
      const seen: number[] = [];
      const result = await store.appendInOrder(events, {
        afterPosition: head,
        onAppended: (n) => seen.push(n),
      });
      expect(result).toEqual({ events: 5, requests: 2 });
      expect(seen.at(-1)).toBe(5);
      const stored = [];
      for await (const s of store.readAll({ fromPosition: head + 1 })) stored.push(s);
      expect(stored.map((s) => [s.position, s.event.id])).toEqual(events.map((e, i) => [head + 1 + i, e.id]));
      expect((await store.readRequest(a.requestId)).events.map((s) => s.event.id)).toEqual([
        a.id,
        events[2]!.id,
        events[4]!.id,
      ]);
    });

    it("refuses to interleave with another writer: a head that moved fails the ordered append", async () => {
      const head = await store.headPosition();
      const other = imageSubmitted(newRequestId());
      await store.append(other.requestId, [other], "no_stream");
      const late = imageSubmitted(newRequestId());
      await expect(store.appendInOrder([late], { afterPosition: head })).rejects.toBeInstanceOf(
        OrderedAppendError,
      );
    });

    it("refuses an event that is already in the log", async () => {
      const head = await store.headPosition();
      const first = imageSubmitted(newRequestId());
      await store.appendInOrder([first], { afterPosition: head });
      await expect(store.appendInOrder([first], { afterPosition: head + 1 })).rejects.toBeInstanceOf(
        OrderedAppendError,
      );
    });
  });
}
