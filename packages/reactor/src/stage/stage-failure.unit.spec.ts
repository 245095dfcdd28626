import { describe, expect, it } from "vitest";
import { type ReasonedError, stageFailure } from "./stage-failure";

/** A model call's failure as the model clients raise it: a safe reason and the HTTP status. */
class ModelError extends Error implements ReasonedError {
  readonly retryable = true;
  constructor(
    readonly reason: string,
    readonly httpStatus: number | null,
  ) {
    super(reason);
  }
}

describe("stageFailure", () => {
  it("takes a reasoned error's reason and HTTP status", () => {
    const err = new ModelError("rate limited (HTTP 429)", 429);
    expect(stageFailure(err, 6, "huggingface:auto")).toEqual({
      reason: "rate limited (HTTP 429)",
      httpStatus: 429,
      attempts: 6,
      provider: "huggingface:auto",
      category: "model-unavailable",
    });
    expect(stageFailure(new ModelError("unauthorized (HTTP 401)", 401), 1, "p").category).toBe(
      "model-refused",
    );
    expect(stageFailure(new ModelError("timed out", null), 1, "p").category).toBe("model-unavailable");
    const unreadable = Object.assign(new ModelError("cannot decode", null), { category: "image-unreadable" });
    expect(stageFailure(unreadable, 1, "p").category).toBe("image-unreadable");
  });

  it("names other errors, without a status", () => {
    expect(
      stageFailure(Object.assign(new Error("cannot reach s3"), { name: "BlobStoreError" }), 2, "offline"),
    ).toEqual({
      reason: "BlobStoreError: cannot reach s3",
      httpStatus: null,
      attempts: 2,
      provider: "offline",
      category: "internal",
    });
    expect(stageFailure("weird", 1, "x").reason).toBe("weird");
    expect(stageFailure(new Error(""), 1, "x").reason).toBe("Error");
  });

  it("keeps the reason within the event's bounds", () => {
    const long = stageFailure(new Error("x".repeat(5000)), 1, "p").reason;
    expect(long.length).toBe(2000);
    expect(long.endsWith("…")).toBe(true);
    expect(stageFailure("   ", 1, "p").reason).toBe("unknown error");
    expect(stageFailure(new Error("e"), 0, "p").attempts).toBe(1);
  });
});
