import { join } from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { RequestId, ROUTES } from "@reimagine/contracts";
import type { Context } from "hono";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { ProblemError } from "../http/problem-error";
import { type Asset, load, StaticAssets, WEB_DIR } from "./static-assets";

/**
 * The web page, served by the API from its own files (no CDN): `/` (upload), `/r/<id>` (a request's
 * live timeline, the link in the email), `/docs` (the API reference, swagger-ui from npm) and
 * `/assets/<file>`. The upload page carries the server's limits as data attributes, so the page's
 * checks are the server's.
 */
export function mountWebRoutes(app: OpenAPIHono<AppEnv>, deps: CommandApiDeps): void {
  const { config } = deps;
  const assets = new StaticAssets();
  const pages = new Map<string, Promise<Asset>>();
  const page = (name: string, transform?: (html: string) => string) => {
    let asset = pages.get(name);
    if (!asset) {
      asset = load(join(WEB_DIR, name), "no-cache", transform);
      asset.catch(() => pages.delete(name));
      pages.set(name, asset);
    }
    return asset;
  };
  const uploadPage = () =>
    page("index.html", (html) =>
      html
        .replaceAll("{{MAX_UPLOAD_BYTES}}", String(config.MAX_UPLOAD_BYTES))
        .replaceAll("{{WEBHOOKS}}", config.WEBHOOK_SECRET ? "on" : "off"),
    );

  app.get("/", async function uploadPageRoute(c) {
    return send(c, await uploadPage());
  });
  app.get(ROUTES.requestPage, async function requestPageRoute(c) {
    if (!RequestId.safeParse(c.req.param("id")).success) {
      throw new ProblemError("invalid-request-id", "the request id must be a UUID");
    }
    return send(c, await page("request.html"));
  });
  app.get("/docs", async function docsPageRoute(c) {
    return send(c, await page("docs.html"));
  });
  app.get("/assets/:name", async function assetRoute(c) {
    const asset = assets.get(c.req.param("name"));
    if (!asset) throw new ProblemError("not-found", `no asset ${c.req.param("name")}`);
    return send(c, await asset);
  });
}

/** The asset, or 304 when the client's copy is current. */
function send(c: Context<AppEnv>, asset: Asset): Response {
  const headers = { etag: asset.etag, "cache-control": asset.cacheControl };
  if (c.req.header("if-none-match") === asset.etag) return c.body(null, 304, headers);
  return c.body(new Uint8Array(asset.body), 200, { ...headers, "content-type": asset.contentType });
}
