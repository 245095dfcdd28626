import { imageSubmitted, newRequestId } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { resultEventId } from "./result-event-id";

describe("resultEventId", () => {
  const trigger = imageSubmitted(newRequestId());

  it("is the same for every delivery of a trigger, and another for another type, run or trigger", () => {
    const id = resultEventId(trigger.id, "CaptionProduced", 0);
    expect(resultEventId(trigger.id, "CaptionProduced", 0)).toBe(id);
    const others = [
      resultEventId(trigger.id, "CaptionFailed", 0),
      resultEventId(trigger.id, "CaptionProduced", 1),
      resultEventId(imageSubmitted(trigger.requestId).id, "CaptionProduced", 0),
    ];
    expect(new Set([id, ...others]).size).toBe(4);
  });

  it("is a UUIDv7 with the trigger's timestamp, as event ids must be", () => {
    const id = resultEventId(trigger.id, "UserNotified", 3);
    expect(z.uuidv7().safeParse(id).success).toBe(true);
    expect(id.slice(0, 13)).toBe(trigger.id.slice(0, 13));
  });
});
