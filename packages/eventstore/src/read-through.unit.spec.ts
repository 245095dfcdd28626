import { describe, expect, it } from "vitest";
import { EventStoreUnavailableError } from "./errors";
import { readThrough } from "./read-through";

/** Messages as an ordered consumer delivers them, each with the pending count the server gave. */
async function* delivered(...messages: { seq: number; pending: number }[]) {
  for (const m of messages) yield { seq: m.seq, info: { pending: m.pending } };
}

async function positions(iterator: AsyncIterator<{ seq: number }>, until: number, idleMs = 1000) {
  const seen: number[] = [];
  for await (const m of readThrough(iterator, until, idleMs, () => "reading the log")) seen.push(m.seq);
  return seen;
}

describe("readThrough", () => {
  it("reads on to the head when the consumer says nothing is pending before it", async () => {
    // what a cluster failover produced: pending 0 at position 2 of 4
    const messages = delivered(
      { seq: 1, pending: 1 },
      { seq: 2, pending: 0 },
      { seq: 3, pending: 1 },
      { seq: 4, pending: 0 },
    );
    expect(await positions(messages, 4)).toEqual([1, 2, 3, 4]);
  });

  it("stops at the head, leaving what came after it", async () => {
    const messages = delivered({ seq: 5, pending: 2 }, { seq: 6, pending: 1 }, { seq: 7, pending: 0 });
    expect(await positions(messages, 6)).toEqual([5, 6]);
  });

  it("fails, naming where, when the messages end before the head", async () => {
    const messages = delivered({ seq: 1, pending: 0 }, { seq: 2, pending: 0 });
    await expect(positions(messages, 4)).rejects.toThrow(EventStoreUnavailableError);
    await expect(positions(delivered({ seq: 1, pending: 0 }), 4)).rejects.toThrow(
      /ended at 1, before position 4/,
    );
  });

  it("fails when no message comes although the head is not reached", async () => {
    const silent: AsyncIterator<{ seq: number }> = { next: () => new Promise(() => undefined) };
    await expect(positions(silent, 3, 20)).rejects.toThrow(/at 0 of 3\): no message for 20 ms/);
  });
});
