import { describe, expect, it } from "vitest";
import { InvalidRecipientError } from "./mail-errors";
import { parseRecipient } from "./recipient";

describe("parseRecipient", () => {
  it("returns the address and its domain, the domain lowercased", () => {
    expect(parseRecipient("Nina.Smith+art@Example.COM")).toEqual({
      address: "Nina.Smith+art@example.com",
      domain: "example.com",
    });
  });

  it("trims surrounding spaces", () => {
    expect(parseRecipient("  a@b.com ").address).toBe("a@b.com");
  });

  it("maps an internationalised domain to its A-labels", () => {
    expect(parseRecipient("hans@bücher.de")).toEqual({
      address: "hans@xn--bcher-kva.de",
      domain: "xn--bcher-kva.de",
    });
  });

  it.each([
    ["CRLF + Bcc header", "a@b.com\r\nBcc: x@y.com"],
    ["bare LF", "a@b.com\nBcc: x@y.com"],
    ["bare CR", "a@b.com\rBcc: x@y.com"],
    ["trailing CRLF", "a@b.com\r\n"],
    ["NUL", "a@b.com\u0000x@y.com"],
    ["tab", "a@b.com\tx"],
    ["unicode line separator", "a@b.com\u2028Bcc: x@y.com"],
    ["NEL (C1 control)", "a@b.com\u0085Bcc: x@y.com"],
    ["comma list", "a@b.com, c@d.com"],
    ["comma without space", "a@b.com,c@d.com"],
    ["semicolon list", "a@b.com;c@d.com"],
    ["quoted display name", '"x" <a@b.com>'],
    ["bare display name", "x <a@b.com>"],
    ["angle address", "<a@b.com>"],
    ["address then another in brackets", "a@b.com <c@d.com>"],
    ["display name that looks like an address", '"a@b.com" <evil@x.com>'],
    ["comment", "a@b.com (me)"],
    ["group syntax", "friends: a@b.com;"],
    ["quoted local part", '"a b"@c.com'],
    ["two @", "a@b@c.com"],
    ["no @", "ab.com"],
    ["empty local part", "@b.com"],
    ["empty domain", "a@"],
    ["domain without dot", "a@localhost"],
    ["domain literal", "a@[127.0.0.1]"],
    ["numeric top-level domain", "a@1.2.3.4"],
    ["leading dot", ".a@b.com"],
    ["double dot", "a..b@c.com"],
    ["domain label with leading hyphen", "a@-b.com"],
    ["trailing dot domain", "a@b.com."],
    ["space inside", "a b@c.com"],
    ["backslash", "a\\b@c.com"],
    ["empty", ""],
    ["only spaces", "   "],
    ["local part over 64", `${"a".repeat(65)}@b.com`],
    [
      "address over 254",
      `${"a".repeat(64)}@${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(60)}.com`,
    ],
    ["non-ASCII local part", "jörg@b.com"],
  ])("rejects %s", (_label, input) => {
    expect(() => parseRecipient(input)).toThrowError(InvalidRecipientError);
  });

  it("rejects anything that is not a string", () => {
    for (const input of [undefined, null, 42, ["a@b.com"], { address: "a@b.com" }]) {
      expect(() => parseRecipient(input)).toThrowError(InvalidRecipientError);
    }
  });

  it("keeps the address out of the error and carries a code", () => {
    try {
      parseRecipient("secret.person@b.com\r\nBcc: x@y.com");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidRecipientError);
      expect((err as InvalidRecipientError).code).toBe("MAIL_RECIPIENT_INVALID");
      expect((err as Error).name).toBe("InvalidRecipientError");
      expect((err as Error).message).not.toContain("secret.person");
    }
  });
});
