import { describe, expect, it } from "vitest";
import { InvalidMailInputError } from "./mail-errors";
import { failureMessageId, messageIdDomain, notificationMessageId } from "./message-id";

const requestId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

describe("notificationMessageId", () => {
  it("is <requestId.notification@domain of MAIL_FROM>, the same on every call", () => {
    const id = notificationMessageId(requestId, "reimagine <no-reply@mail.example.com>");
    expect(id).toBe(`<${requestId}.notification@mail.example.com>`);
    expect(notificationMessageId(requestId, "reimagine <no-reply@mail.example.com>")).toBe(id);
  });

  it("refuses a request id that could break out of the Message-ID", () => {
    for (const bad of ["", "a>b", "a@b", "a\r\nBcc: x", "a b", ".a", "a..b"]) {
      expect(() => notificationMessageId(bad, "a@b.com")).toThrowError(InvalidMailInputError);
    }
  });
});

describe("failureMessageId", () => {
  it("is one per failed stage and run, never the notification's", () => {
    const from = "reimagine <no-reply@mail.example.com>";
    expect(failureMessageId(requestId, "caption", 0, from)).toBe(
      `<${requestId}.caption-failed-0@mail.example.com>`,
    );
    expect(failureMessageId(requestId, "generation", 1, from)).toBe(
      `<${requestId}.generation-failed-1@mail.example.com>`,
    );
    expect(failureMessageId(requestId, "caption", 0, from)).not.toBe(notificationMessageId(requestId, from));
  });
});

describe("messageIdDomain", () => {
  it.each([
    ["reimagine <no-reply@reimagine.local>", "reimagine.local"],
    ["no-reply@Example.COM", "example.com"],
    ['"Reimagine, Inc." <hello@example.org>', "example.org"],
    ["x <a@bücher.de>", "xn--bcher-kva.de"],
  ])("takes the domain of %s", (from, domain) => {
    expect(messageIdDomain(from)).toBe(domain);
  });

  it.each([
    [undefined],
    [""],
    ["no address here"],
    ["a@[127.0.0.1]"],
    ["a@exa mple.com"],
    ["no-reply@localhost"],
  ])("falls back to reimagine.local for %s", (from) => {
    expect(messageIdDomain(from)).toBe("reimagine.local");
  });
});
