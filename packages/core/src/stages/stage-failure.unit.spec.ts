import { describe, expect, it } from "vitest";
import { AiError } from "../ai/ai-error";
import { BlobStoreError } from "../blobs/errors";
import { stageFailure } from "./stage-failure";

describe("stageFailure", () => {
  it("takes an AiError's reason and HTTP status", () => {
    const err = new AiError({ reason: "rate limited (HTTP 429)", retryable: true, httpStatus: 429 });
    expect(stageFailure(err, 6, "huggingface:auto")).toEqual({
      reason: "rate limited (HTTP 429)",
      httpStatus: 429,
      attempts: 6,
      provider: "huggingface:auto",
    });
  });

  it("names other errors, without a status", () => {
    expect(stageFailure(new BlobStoreError("cannot reach s3"), 2, "offline")).toEqual({
      reason: "BlobStoreError: cannot reach s3",
      httpStatus: null,
      attempts: 2,
      provider: "offline",
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
