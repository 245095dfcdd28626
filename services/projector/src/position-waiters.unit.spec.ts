import { describe, expect, it } from "vitest";
import { PositionWaiters, ProjectorStoppedError } from "./position-waiters";

describe("PositionWaiters", () => {
  it("resolves at once for a position already reached", async () => {
    await expect(new PositionWaiters().wait(3, 5)).resolves.toBeUndefined();
  });

  it("resolves each waiter when its position is reached, not before", async () => {
    const waiters = new PositionWaiters();
    const settled: number[] = [];
    const a = waiters.wait(2, 0).then(() => settled.push(2));
    const b = waiters.wait(4, 0).then(() => settled.push(4));
    waiters.reached(3);
    await a;
    expect(settled).toEqual([2]);
    waiters.reached(4);
    await b;
    expect(settled).toEqual([2, 4]);
  });

  it("rejects waiters, present and future, when the projector stops", async () => {
    const waiters = new PositionWaiters();
    const pending = waiters.wait(9, 1);
    waiters.close(1);
    await expect(pending).rejects.toBeInstanceOf(ProjectorStoppedError);
    await expect(waiters.wait(9, 1)).rejects.toThrow("stopped at position 1");
  });

  it("gives up on a waiter whose signal aborts", async () => {
    const waiters = new PositionWaiters();
    const abort = new AbortController();
    const pending = waiters.wait(9, 1, abort.signal);
    abort.abort(new Error("test over"));
    await expect(pending).rejects.toThrow("test over");
  });
});
