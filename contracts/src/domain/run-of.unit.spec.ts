import type { AnyDomainEvent } from "@reimagine/contracts";
import { imageSubmitted, newRequestId } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { newEvent } from "../events/new-event";
import { runOf } from "./run-of";

const retry = (cause: AnyDomainEvent, stage: "caption" | "generation") =>
  newEvent(
    "RetryRequested",
    cause.requestId,
    { stage, requestedBy: "op" },
    { correlationId: cause.requestId, causationId: cause.id },
  );

describe("runOf", () => {
  const submitted = imageSubmitted(newRequestId());
  const history = {
    events: [
      { event: submitted, position: 3 },
      { event: retry(submitted, "caption"), position: 9 },
      { event: retry(submitted, "generation"), position: 12 },
      { event: retry(submitted, "caption"), position: 20 },
    ],
    version: 20,
  };

  it("counts the retries of the stage at or before the position", () => {
    expect(runOf(history, "caption", 3)).toBe(0);
    expect(runOf(history, "caption", 9)).toBe(1);
    expect(runOf(history, "caption", 19)).toBe(1);
    expect(runOf(history, "caption", 20)).toBe(2);
  });

  it("counts only retries of that stage", () => {
    expect(runOf(history, "generation", 11)).toBe(0);
    expect(runOf(history, "generation", 20)).toBe(1);
    expect(runOf(history, "notification", 20)).toBe(0);
  });
});
