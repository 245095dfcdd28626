import { describe, expect, it } from "vitest";
import { InvalidEventError, parseEvent, validateEventData } from "./domain-event";
import { hasWebhook } from "./image-submitted";

const envelope = {
  id: "01936c2e-7b1a-7c3d-9e4f-0a1b2c3d4e5f",
  requestId: "01936c2e-7b1a-7c3d-9e4f-0a1b2c3d4e60",
  occurredAt: "2026-11-29T10:00:00.000Z",
  metadata: { correlationId: "c", causationId: "k" },
};

describe("parseEvent", () => {
  it("upcasts a version-1 CaptionProduced to version 2 on read", () => {
    const event = parseEvent({
      ...envelope,
      type: "CaptionProduced",
      schemaVersion: 1,
      data: { text: "a dog", model: "blip" },
    });
    expect(event.schemaVersion).toBe(2);
    expect(event.data).toEqual({
      caption: "a dog",
      model: "blip",
      provider: "hf-inference",
      latencyMs: null,
    });
  });

  it("upcasts a version-1 ImageSubmitted (clear-text address) to version 2 with the address as `clear`", () => {
    const image = {
      originalKey: "k/original.jpg",
      contentType: "image/jpeg",
      bytes: 10,
      width: 2,
      height: 2,
      sha256: "b".repeat(64),
    };
    const event = parseEvent({
      ...envelope,
      type: "ImageSubmitted",
      schemaVersion: 1,
      data: { email: "nina@example.com", ...image },
    });
    expect(event.schemaVersion).toBe(2);
    expect(event.data).toEqual({ personal: { clear: { email: "nina@example.com" } }, ...image });
    expect(() =>
      parseEvent({
        ...envelope,
        type: "ImageSubmitted",
        schemaVersion: 2,
        data: { personal: { what: 1 }, ...image },
      }),
    ).toThrowError(InvalidEventError);
  });

  it("reads the current version unchanged", () => {
    const data = { caption: "a cat", model: "m", provider: "offline", latencyMs: 4 };
    expect(parseEvent({ ...envelope, type: "CaptionProduced", schemaVersion: 2, data }).data).toEqual(data);
  });

  it("rejects unknown types, future versions, bad envelopes and bad data", () => {
    const bad = [
      { ...envelope, type: "Nope", schemaVersion: 1, data: {} },
      { ...envelope, type: "CaptionProduced", schemaVersion: 3, data: {} },
      { ...envelope, id: "not-a-uuid", type: "UserNotified", schemaVersion: 1, data: {} },
      { ...envelope, type: "UserNotified", schemaVersion: 1, data: { messageId: "" } },
      { ...envelope, type: "CaptionProduced", schemaVersion: 1, data: { caption: "v2 shape under v1" } },
    ];
    for (const input of bad) expect(() => parseEvent(input)).toThrowError(InvalidEventError);
  });

  it("validates data on write with the current schema", () => {
    expect(() => validateEventData("RetryRequested", { stage: "paint", requestedBy: "x" })).toThrowError(
      /stage/,
    );
  });

  describe("ImageSubmitted's optional webhookUrl and cancelTokenHash", () => {
    const data = {
      personal: { clear: { email: "a@example.com" } },
      originalKey: "k",
      contentType: "image/png",
      bytes: 1,
      width: 1,
      height: 1,
      sha256: "a".repeat(64),
    };
    it("reads events written before the fields existed, unchanged", () => {
      expect(parseEvent({ ...envelope, type: "ImageSubmitted", schemaVersion: 2, data }).data).toEqual(data);
    });

    it("accepts a public http(s) URL and a SHA-256 hash", () => {
      const full = {
        ...data,
        webhookUrl: "https://hooks.example.com/r?x=1",
        cancelTokenHash: "b".repeat(64),
      };
      expect(validateEventData("ImageSubmitted", full)).toEqual(full);
    });

    it.each([
      ["a relative URL", "/hook"],
      ["another scheme", "ftp://example.com/hook"],
      ["javascript", "javascript:alert(1)"],
      ["credentials", "https://user:pw@example.com/hook"],
      ["over 2048 characters", `https://example.com/${"a".repeat(2048)}`],
    ])("refuses a webhookUrl with %s", (_, webhookUrl) => {
      expect(() => validateEventData("ImageSubmitted", { ...data, webhookUrl })).toThrowError(/webhookUrl/);
    });

    it("says there is a webhook whether its URL is sealed (webhookSealed) or in clear text (older events)", () => {
      const sealed = { ...data, webhookSealed: true };
      expect(validateEventData("ImageSubmitted", sealed)).toEqual(sealed);
      expect(() => validateEventData("ImageSubmitted", { ...data, webhookSealed: false })).toThrowError(
        /webhookSealed/,
      );
      expect(hasWebhook(validateEventData("ImageSubmitted", sealed))).toBe(true);
      expect(
        hasWebhook(validateEventData("ImageSubmitted", { ...data, webhookUrl: "https://h.example/" })),
      ).toBe(true);
      expect(hasWebhook(validateEventData("ImageSubmitted", data))).toBe(false);
    });

    it("checks a webhook URL in the personal data as it checks the field", () => {
      const personal = (webhookUrl: string) => ({
        ...data,
        personal: { clear: { email: "a@example.com", webhookUrl } },
      });
      expect(validateEventData("ImageSubmitted", personal("https://h.example/?t=1")).personal).toEqual({
        clear: { email: "a@example.com", webhookUrl: "https://h.example/?t=1" },
      });
      expect(() => validateEventData("ImageSubmitted", personal("https://u:p@h.example/"))).toThrowError(
        /credentials/,
      );
    });
  });
});
