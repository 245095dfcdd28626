import { describe, expect, it } from "vitest";
import { InvalidMailInputError } from "./mail-errors";
import { renderFailureEmail } from "./render-failure-email";

const requestId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
const base = {
  requestId,
  stage: "generation" as const,
  reason: "server error (HTTP 500)",
  pageUrl: `https://reimagine.example.com/r/${requestId}`,
};

describe("renderFailureEmail", () => {
  it("says which step failed in plain words, why, and that nothing more will come", () => {
    const { subject, text, html } = renderFailureEmail(base);
    expect(subject).toBe("We could not reimagine your photo");
    expect(text).toContain("could not create the new image from that description");
    expect(text).toContain("What went wrong: server error (HTTP 500)");
    expect(text).toContain("no image will follow, and this is the last email about it");
    expect(text).toContain(`\n${base.pageUrl}\n`);
    expect(text).toContain(`Request id: ${requestId}`);
    expect(html).toContain(`href="${base.pageUrl}"`);
    expect(html).toContain("this is the last email about it");
    expect(html).not.toMatch(/<style|<link|<script/i);
  });

  it("names the first step when the caption failed", () => {
    expect(renderFailureEmail({ ...base, stage: "caption" }).text).toContain(
      "We could not describe your photo",
    );
  });

  it("escapes the reason and keeps it to one short line", () => {
    const { text, html } = renderFailureEmail({ ...base, reason: `<b>bad</b>\r\n${"x".repeat(500)}` });
    expect(html).toContain("&lt;b&gt;bad&lt;/b&gt;");
    expect(html).not.toContain("<b>bad");
    const line = text.split("\n").find((l) => l.startsWith("What went wrong:"))!;
    expect(line.length).toBeLessThanOrEqual("What went wrong: ".length + 300);
    expect(line.endsWith("…")).toBe(true);
  });

  it("leaves the reason out when there is none, and refuses a link that is not http(s)", () => {
    expect(renderFailureEmail({ ...base, reason: "" }).text).not.toContain("What went wrong");
    expect(() => renderFailureEmail({ ...base, pageUrl: "javascript:alert(1)" })).toThrowError(
      InvalidMailInputError,
    );
  });
});
