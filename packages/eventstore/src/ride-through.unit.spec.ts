import { JetStreamApiError } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { EventStoreUnavailableError } from "./errors";
import { isTransientNatsError, rideThrough } from "./ride-through";

const noResponders = () => Object.assign(new Error("no responders"), { name: "NoResponders" });
const apiError = (status: number, errCode: number) =>
  new JetStreamApiError({ code: status, err_code: errCode, description: `status ${status}` });

describe("isTransientNatsError", () => {
  it("sees NATS's 'not now' through the causes our errors wrap", () => {
    expect(isTransientNatsError(noResponders())).toBe(true);
    expect(isTransientNatsError(new EventStoreUnavailableError("append", { cause: noResponders() }))).toBe(
      true,
    );
    expect(isTransientNatsError(apiError(503, 10008))).toBe(true);
  });

  it("does not retry refusals or our own errors", () => {
    expect(isTransientNatsError(apiError(400, 10071))).toBe(false);
    expect(isTransientNatsError(new EventStoreUnavailableError("the read ends early"))).toBe(false);
    expect(isTransientNatsError("text")).toBe(false);
  });
});

describe("rideThrough", () => {
  it("tries again while NATS cannot answer, and returns the first answer", async () => {
    let calls = 0;
    const answer = await rideThrough(async () => {
      if (++calls < 3) throw noResponders();
      return "ok";
    });
    expect(answer).toBe("ok");
    expect(calls).toBe(3);
  });

  it("throws a refusal at once, and a transient error once the time is up", async () => {
    let calls = 0;
    const refusal = apiError(400, 10071);
    await expect(
      rideThrough(async () => {
        calls++;
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(calls).toBe(1);
    await expect(
      rideThrough(
        async () => {
          throw noResponders();
        },
        { withinMs: 0 },
      ),
    ).rejects.toThrow("no responders");
  });
});
