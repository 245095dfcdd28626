import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeJpeg, makePng } from "@reimagine/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AllInOne } from "./start-all-in-one";
import { startTestAllInOne, type TestAllInOne } from "./testing/test-all-in-one";

/** Debian's Chromium, installed by .ci/run. */
const CHROMIUM = "/usr/bin/chromium";
/** Screenshots for people to look at after a CI run. */
const OUT = join(dirname(fileURLToPath(import.meta.url)), "../../../.ci/out");
/** What the test reads of an <img> in the page. */
type Img = { complete: boolean; naturalWidth: number };
// In CI a missing browser is a failure, never a silent skip; locally it may be skipped.
const skip = !existsSync(CHROMIUM) && !process.env.CI;

describe.skipIf(skip)("the web page in headless Chromium, against the all-in-one (offline AI)", () => {
  let running: TestAllInOne;
  let app: AllInOne;
  let browser: Browser;
  /** Console errors and CSP violations of every page: there must be none. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`).toBe(true);
    await mkdir(OUT, { recursive: true });
    running = await startTestAllInOne("web");
    app = running.app;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  async function openPage(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(`${path}: ${m.text()}`);
    });
    page.on("pageerror", (err) => pageErrors.push(`${path}: ${err.message}`));
    await page.goto(`${app.url}${path}`);
    return page;
  }

  it("shows the page's own checks and the server's problem for refused uploads", async () => {
    const page = await openPage("/");
    await expect.poll(() => page.title()).toContain("reimagine");
    await page.getByLabel("Email address").fill("me@example.com");

    // Not an image at all: refused on the page, before anything is sent.
    await page.getByLabel("Photo").setInputFiles({
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("just some text"),
    });
    await page.getByRole("button", { name: "Reimagine it" }).click();
    await expect.poll(() => page.locator("#image-error").textContent()).toContain("not a JPEG, PNG or WebP");
    expect(await page.locator("#image").getAttribute("aria-invalid")).toBe("true");

    // A JPEG's first bytes and then garbage: the page lets it through, the server's decode refuses it.
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(400)]);
    await page
      .getByLabel("Photo")
      .setInputFiles({ name: "broken.jpg", mimeType: "image/jpeg", buffer: fake });
    await page.getByRole("button", { name: "Reimagine it" }).click();
    const problem = page.getByRole("alert").filter({ hasText: "Not a supported image" });
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/Not a supported image: .+/);
    await page.screenshot({ path: join(OUT, "web-page-refused-upload.png"), fullPage: true });
    await page.close();
  });

  it("uploads a photo dropped on the page, follows it live to notified, and shows it again later", async () => {
    const page = await openPage("/");
    // drag and drop, as a person would: a drop event carrying the file
    const png = await makePng(64, 64, { r: 30, g: 120, b: 200 });
    // (a string, evaluated in the page: this test is compiled without the DOM's types)
    await page.evaluate(`(() => {
      const transfer = new DataTransfer();
      const bytes = new Uint8Array(${JSON.stringify([...png])});
      transfer.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
      const drop = new DragEvent("drop", { dataTransfer: transfer, bubbles: true });
      document.getElementById("drop-zone").dispatchEvent(drop);
    })()`);
    await page.locator("#preview").waitFor({ state: "visible" });
    // the picker replaces it: the photo actually sent
    await page.getByLabel("Photo").setInputFiles({
      name: "photo.jpg",
      mimeType: "image/jpeg",
      buffer: await makeJpeg(320, 200, { r: 200, g: 60, b: 40 }),
    });
    await page.getByLabel("Email address").fill("me@example.com");
    await page.getByRole("button", { name: "Reimagine it" }).click();

    await page.waitForURL(/\/r\/[0-9a-f-]{36}$/);
    const requestPath = new URL(page.url()).pathname;
    await expect.poll(() => page.locator("#status").textContent(), { timeout: 30_000 }).toBe("Done");
    await expect.poll(() => page.locator("#live-note").textContent()).toContain("finished");
    await expect
      .poll(() =>
        page
          .locator("#generated")
          .evaluate((img) => (img as unknown as Img).complete && (img as unknown as Img).naturalWidth),
      )
      .toBeGreaterThan(0);
    expect(await page.locator("#original").evaluate((img) => (img as unknown as Img).naturalWidth)).toBe(320);
    expect(await page.locator("#caption").textContent()).not.toBe("Not described yet.");
    expect(await page.locator("#caption-model").textContent()).toContain("offline demo mode");
    expect(
      await page.locator("#timeline li").evaluateAll((items) => items.map((li) => li.dataset.type)),
    ).toEqual(["ImageSubmitted", "CaptionProduced", "ImageGenerated", "UserNotified"]);
    await page.screenshot({ path: join(OUT, "web-page-request.png"), fullPage: true });
    await page.close();

    // Later, from the email's link: the same story, from the log.
    const later = await openPage(requestPath);
    await expect.poll(() => later.locator("#status").textContent()).toBe("Done");
    await expect.poll(() => later.locator("#timeline li").count()).toBe(4);
    await expect
      .poll(() => later.locator("#generated").evaluate((img) => (img as unknown as Img).naturalWidth))
      .toBeGreaterThan(0);
    await later.close();

    // and on a phone-sized screen, nothing overflows sideways
    const phone = await browser.newPage({ viewport: { width: 375, height: 740 } });
    await phone.goto(`${app.url}${requestPath}`);
    await expect.poll(() => phone.locator("#status").textContent()).toBe("Done");
    expect(await phone.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
    await phone.screenshot({ path: join(OUT, "web-page-request-phone.png"), fullPage: true });
    await phone.close();
  });

  it("serves the API reference from its own assets", async () => {
    const page = await openPage("/docs");
    await page.locator(".swagger-ui .info .title").waitFor({ timeout: 20_000 });
    expect(await page.locator(".swagger-ui .info .title").textContent()).toContain("reimagine API");
    expect(await page.locator(".opblock-summary-path").allTextContents()).toContain(
      "/api/v1/request/{id}/events",
    );
    await page.close();
  });

  it("raised no console error and no Content-Security-Policy violation on any page", () => {
    // the server's refusal of the broken upload is the one failed request expected
    const unexpected = pageErrors.filter((e) => !/^\/: Failed to load resource: .* 415 /.test(e));
    expect(unexpected).toEqual([]);
  });
});
