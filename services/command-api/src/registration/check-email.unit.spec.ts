import { describe, expect, it } from "vitest";
import { checkEmail } from "./check-email";
import { InvalidEmailError } from "./invalid-email-error";

describe("checkEmail", () => {
  it.each(["ann@example.com", "n.o+tag@sub.example.co.uk", `${"a".repeat(64)}@${"b".repeat(180)}.com`])(
    "accepts %s unchanged",
    (email) => {
      expect(checkEmail(email)).toBe(email);
    },
  );

  it.each([
    ["empty", "", /empty/],
    ["no at sign", "ann.example.com", /not a valid email/],
    ["no domain", "ann@", /not a valid email/],
    ["spaces", "ann smith@example.com", /not a valid email/],
    ["CRLF header injection", "ann@example.com\r\nBcc: all@example.com", /line break/],
    ["a bare LF", "ann@example.com\nX: y", /line break/],
    ["NUL", "ann@example.com\u0000", /NUL/],
    ["255 characters", `${"a".repeat(64)}@${"b".repeat(186)}.com`, /longer than 254/],
    ["1 KB", `${"a".repeat(1000)}@example.com`, /longer than 254/],
  ])("refuses %s", (_, email, message) => {
    expect(() => checkEmail(email)).toThrowError(InvalidEmailError);
    expect(() => checkEmail(email)).toThrowError(message);
  });
});
