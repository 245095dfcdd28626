import { describe, expect, it } from "vitest";
import { EmailAddressSchema, InvalidEmailAddressError, parseEmailAddress } from "./email-address";

describe("parseEmailAddress (the one rule of the API and the notifier)", () => {
  it("normalises the domain and keeps the local part", () => {
    expect(parseEmailAddress(" Nina+art@Bücher.DE ")).toEqual({
      address: "Nina+art@xn--bcher-kva.de",
      domain: "xn--bcher-kva.de",
    });
  });

  it.each([
    ["a 64-character local part", `${"a".repeat(64)}@example.com`],
    ["a 63-character label", `n@${"b".repeat(63)}.com`],
    ["254 characters", `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.com`],
  ])("accepts %s", (_, email) => {
    expect(parseEmailAddress(email).address).toBe(email);
  });

  it.each([
    ["a 65-character local part", `${"a".repeat(65)}@example.com`, /more than 64 characters before the @/],
    ["a 64-character label", `n@${"b".repeat(64)}.com`, /domain that is not valid/],
    ["255 characters", `${"a".repeat(64)}@${"b".repeat(186)}.com`, /longer than 254/],
    ["CRLF", "a@b.com\r\nBcc: x@y.com", /line break/],
    ["a display name", "Nina <n@example.com>", /single plain address/],
    ["no domain dot", "n@localhost", /domain/],
    ["a character the event schema would refuse", "a!b@example.com", /not an address we can accept/],
  ])("refuses %s, without repeating the address", (_, email, why) => {
    expect(() => parseEmailAddress(email)).toThrowError(InvalidEmailAddressError);
    expect(() => parseEmailAddress(email)).toThrowError(why);
    try {
      parseEmailAddress(email);
    } catch (err) {
      expect((err as Error).message).not.toContain(email.slice(0, 20));
    }
  });

  it("is also a zod schema yielding the normalised address", () => {
    expect(EmailAddressSchema.parse("n@EXAMPLE.com")).toBe("n@example.com");
    expect(EmailAddressSchema.safeParse(`${"a".repeat(65)}@example.com`).success).toBe(false);
  });
});
