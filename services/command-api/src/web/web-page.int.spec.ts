import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { newRequestId } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, compiledEntry } from "../../../../scripts/build.mjs";
import { openTestApi, type TestApi } from "../testing/open-test-api";
import { WEB_DIR } from "./static-assets";

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi({ config: { MAX_UPLOAD_BYTES: 123456 } });
});
afterAll(() => api.cleanup());

const get = (path: string, headers: Record<string, string> = {}) => api.app.request(path, { headers });

/** Every script and stylesheet a page names. */
const referencedAssets = (html: string) =>
  [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"/g)].map((m) => m[1]!);

describe("the web page", () => {
  it.each([
    ["/", "Reimagine a photo"],
    [`/r/${newRequestId()}`, "Your request"],
    ["/docs", "swagger-ui"],
  ])("%s is HTML whose every asset comes from the app itself", async (path, text) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    expect(html).toContain(text);
    // no inline script or style, nothing from another origin
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle="|\son[a-z]+="/);
    const assets = referencedAssets(html);
    expect(assets.length).toBeGreaterThan(1);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/assets\/[a-z-]+\.(js|css|svg)$/);
      const served = await get(asset);
      expect(served.status, asset).toBe(200);
      expect(served.headers.get("content-type"), asset).toMatch(/^(text\/(javascript|css)|image\/svg\+xml)/);
    }
  });

  it("sends a strict Content-Security-Policy on pages and API answers alike", async () => {
    for (const res of [await get("/"), await get("/docs"), await get(`/api/v1/request/${newRequestId()}`)]) {
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    }
  });

  it("tells the upload page the server's limits, and whether webhooks are on", async () => {
    const html = await (await get("/")).text();
    expect(html).toContain('data-max-upload-bytes="123456"');
    expect(html).toContain('data-webhooks="off"');
  });

  it("serves the API reference's swagger-ui from the installed package, and revalidates by ETag", async () => {
    const bundle = await get("/assets/swagger-ui-bundle.js");
    expect(bundle.status).toBe(200);
    expect(Number((await bundle.arrayBuffer()).byteLength)).toBeGreaterThan(500_000);
    expect(bundle.headers.get("cache-control")).toBe("public, max-age=86400");
    const page = await get("/assets/request.js");
    const etag = page.headers.get("etag")!;
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const again = await get("/assets/request.js", { "if-none-match": etag });
    expect(again.status).toBe(304);
  });

  it("serves nothing but its own list of files", async () => {
    for (const path of ["/assets/package.json", "/assets/..%2F..%2Fpackage.json", "/assets/index.html"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect((await get("/r/not-a-uuid")).status).toBe(400);
  });

  it("is part of the compiled bundles: the page's files are copied beside the command API's and the all-in-one's", async () => {
    await build(["command-api", "all-in-one"], { ifStale: true });
    const own = readdirSync(WEB_DIR).sort();
    for (const target of ["command-api", "all-in-one"] as const) {
      const beside = join(dirname(compiledEntry(target)), "web");
      expect(existsSync(beside), target).toBe(true);
      expect(readdirSync(beside).sort(), target).toEqual(own);
    }
  });
});
