import { describe, expect, it } from "vitest";
import { isRetryable, retryDelayMs, retryHintOf } from "./backoff";

const policy = { baseMs: 1000, maxMs: 60_000 };

describe("retryDelayMs", () => {
  it("doubles per attempt within [ceiling/2, ceiling]", () => {
    expect(retryDelayMs(1, policy, null, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, null, () => 1)).toBe(1000);
    expect(retryDelayMs(3, policy, null, () => 1)).toBe(4000);
    expect(retryDelayMs(3, policy, null, () => 0)).toBe(2000);
  });

  it("never exceeds the maximum", () => {
    expect(retryDelayMs(30, policy, null, () => 1)).toBe(60_000);
  });

  it("honours a hint as a floor, even beyond the maximum", () => {
    expect(retryDelayMs(1, policy, 20_000, () => 0)).toBe(20_000);
    expect(retryDelayMs(1, policy, 120_000, () => 0)).toBe(120_000);
    expect(retryDelayMs(8, policy, 10, () => 1)).toBe(60_000);
  });

  it("reads hints and retryability from errors", () => {
    expect(retryHintOf(Object.assign(new Error(), { retryAfterMs: 5 }))).toBe(5);
    expect(retryHintOf(new Error())).toBeNull();
    expect(isRetryable(Object.assign(new Error(), { retryable: false }))).toBe(false);
    expect(isRetryable(new Error())).toBe(true);
  });
});
