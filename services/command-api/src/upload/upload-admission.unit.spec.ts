import { describe, expect, it } from "vitest";
import { PixelBudget, PixelBudgetExceededError } from "./pixel-budget";
import { TooManyUploadsError, UploadAdmission } from "./upload-admission";
import { UploadQueueFullError } from "./upload-slots";

describe("UploadAdmission", () => {
  it("caps open uploads per client and in all, and frees them once each", () => {
    const admission = new UploadAdmission(2, 3);
    const a1 = admission.admit("a");
    admission.admit("a");
    expect(() => admission.admit("a")).toThrow(TooManyUploadsError);
    const b1 = admission.admit("b");
    expect(() => admission.admit("c")).toThrow(UploadQueueFullError);
    a1();
    a1();
    expect(admission.count("a")).toBe(1);
    expect(admission.count()).toBe(2);
    admission.admit("c");
    b1();
    expect(admission.count("b")).toBe(0);
  });
});

describe("PixelBudget", () => {
  it("lets a client spend its budget per minute, overdrawing by one image, then says when to come back", () => {
    let now = 0;
    const budget = new PixelBudget(100, () => now);
    budget.charge("a", 60);
    budget.charge("a", 60); // 40 left: allowed, now -20
    const refused = (() => {
      try {
        budget.charge("a", 1);
      } catch (err) {
        return err as PixelBudgetExceededError;
      }
      return null;
    })();
    expect(refused).toBeInstanceOf(PixelBudgetExceededError);
    // 21 pixels to earn back at 100 per 60 s: 12.6 s.
    expect(refused?.retryAfterSeconds).toBe(13);
    budget.charge("b", 100); // another client has its own budget
    now += 13_000;
    budget.charge("a", 50);
  });

  it("is off at 0", () => {
    const budget = new PixelBudget(0);
    for (let i = 0; i < 10; i++) budget.charge("a", 1e12);
  });
});
