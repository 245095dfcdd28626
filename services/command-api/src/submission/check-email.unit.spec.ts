import { describe, expect, it } from "vitest";
import { checkEmail, InvalidEmailError } from "./check-email";

describe("checkEmail", () => {
  it.each(["ann@example.com", "n.o+tag@sub.example.co.uk", `${"a".repeat(64)}@${"b".repeat(63)}.com`])(
    "accepts %s unchanged",
    (email) => {
      expect(checkEmail(email)).toBe(email);
    },
  );

  it("records the domain as the notifier will send to it", () => {
    expect(checkEmail("Ann@Example.COM")).toBe("Ann@example.com");
  });

  it.each([
    ["empty", "", /empty/],
    ["no at sign", "ann.example.com", /exactly one @/],
    ["no domain", "ann@", /domain/],
    ["spaces", "ann smith@example.com", /single plain address/],
    ["CRLF header injection", "ann@example.com\r\nBcc: all@example.com", /line break/],
    ["a bare LF", "ann@example.com\nX: y", /line break/],
    ["NUL", "ann@example.com\u0000", /control character/],
    ["255 characters", `${"a".repeat(64)}@${"b".repeat(186)}.com`, /longer than 254/],
    ["1 KB", `${"a".repeat(1000)}@example.com`, /longer than 254/],
    // what the notifier refused before the rule was shared
    ["a 65-character local part", `${"a".repeat(65)}@example.com`, /more than 64 characters/],
    ["a 64-character domain label", `ann@${"b".repeat(64)}.com`, /domain/],
  ])("refuses %s", (_, email, message) => {
    expect(() => checkEmail(email)).toThrowError(InvalidEmailError);
    expect(() => checkEmail(email)).toThrowError(message);
  });
});
