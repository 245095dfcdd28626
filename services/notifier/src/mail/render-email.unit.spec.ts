import { describe, expect, it } from "vitest";
import { escapeHtml } from "./email-layout";
import { InvalidMailInputError } from "./mail-errors";
import { renderNotificationEmail } from "./render-email";

const requestId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
const base = {
  requestId,
  caption: "a red fox sleeping in the snow",
  imageUrl: `https://reimagine.example.com/api/v1/request/${requestId}/image`,
  pageUrl: `https://reimagine.example.com/r/${requestId}`,
};

describe("renderNotificationEmail", () => {
  it("has a subject that names the caption", () => {
    expect(renderNotificationEmail(base).subject).toBe(
      "Your reimagined image is ready: a red fox sleeping in the snow",
    );
  });

  it("shortens a long caption in the subject but keeps it whole in the bodies", () => {
    const caption = `${"word ".repeat(40)}end`;
    const email = renderNotificationEmail({ ...base, caption });
    expect(email.subject.length).toBeLessThanOrEqual("Your reimagined image is ready: ".length + 60);
    expect(email.subject.endsWith("…")).toBe(true);
    expect(email.text).toContain(caption);
    expect(email.html).toContain(caption);
  });

  it("has a plain subject without a caption", () => {
    const email = renderNotificationEmail({ ...base, caption: "  " });
    expect(email.subject).toBe("Your reimagined image is ready");
    expect(email.text).not.toContain("described as");
    expect(email.html).not.toContain("described as");
  });

  it("puts the caption, the image link, the status link and the request id in the text body", () => {
    const { text } = renderNotificationEmail(base);
    expect(text).toContain('"a red fox sleeping in the snow"');
    expect(text).toContain(`\n${base.imageUrl}\n`);
    expect(text).toContain(`\n${base.pageUrl}\n`);
    expect(text).toContain(`Request id: ${requestId}`);
    expect(text).not.toMatch(/<[a-z]/i);
  });

  it("renders a small HTML page with a button to the image", () => {
    const { html } = renderNotificationEmail(base);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(new RegExp(`<a href="${base.imageUrl}" style="[^"]+">See your image</a>`));
    expect(html).toContain(`href="${base.pageUrl}"`);
    expect(html).toContain("a red fox sleeping in the snow");
    // inline styles only: mail clients drop <style> blocks and never load stylesheets
    expect(html).not.toMatch(/<style|<link|<script/i);
  });

  it("escapes a hostile caption in the HTML and keeps it on one line in the subject", () => {
    const caption = `<script>alert("x")</script> & <img src=x onerror='y'>\r\nBcc: evil@example.com`;
    const email = renderNotificationEmail({ ...base, caption });
    expect(email.html).not.toContain("<script>");
    expect(email.html).not.toContain("<img");
    expect(email.html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=&#39;y&#39;&gt;",
    );
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text).not.toContain("\r");
    expect(email.text).toContain("onerror='y'> Bcc: evil@example.com\"");
  });

  it("escapes the URLs inside the href attribute", () => {
    const imageUrl = `${base.imageUrl}?a=1&b="2"`;
    const { html } = renderNotificationEmail({ ...base, imageUrl });
    expect(html).toContain('href="https://reimagine.example.com/api/v1/request/');
    expect(html).toContain("/image?a=1&amp;b=%222%22");
    expect(html).not.toContain('b="2"');
  });

  it("says which models made the caption and the image, and plainly when no model was involved", () => {
    const real = renderNotificationEmail({
      ...base,
      captionedBy: { model: "google/gemma-4-31B-it", provider: "huggingface:novita" },
      generatedBy: { model: "black-forest-labs/FLUX.1-schnell", provider: "huggingface:nscale" },
    });
    const sentence =
      "Described by google/gemma-4-31B-it (huggingface:novita); drawn by black-forest-labs/FLUX.1-schnell (huggingface:nscale).";
    expect(real.text).toContain(sentence);
    expect(real.html).toContain(sentence);
    const offline = renderNotificationEmail({
      ...base,
      captionedBy: { model: "offline-caption-v1", provider: "offline" },
      generatedBy: { model: "offline-render-v1", provider: "offline" },
    });
    expect(offline.text).toContain(
      "Described in offline demo mode (no AI model was involved); drawn in offline demo mode (no AI model was involved).",
    );
    expect(renderNotificationEmail(base).text).not.toContain("Described");
  });

  it.each([["javascript:alert(1)"], ["data:text/html,<b>x</b>"], ["not a url"], ["/relative/path"]])(
    "refuses %s as a link",
    (imageUrl) => {
      expect(() => renderNotificationEmail({ ...base, imageUrl })).toThrowError(InvalidMailInputError);
    },
  );
});

describe("escapeHtml", () => {
  it("escapes the five characters that matter in text and attributes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});
