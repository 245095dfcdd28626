import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One file served from memory, with what it takes to answer conditional GETs. */
export interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
  cacheControl: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Where the page's own files live: `web/` beside the compiled bundle (scripts/build.mjs copies it
 * there), else `services/command-api/web/` next to `src/` when running from the sources.
 */
export const WEB_DIR = existsSync(join(HERE, "web")) ? join(HERE, "web") : join(HERE, "../../web");

/** swagger-ui-dist as installed (pinned by the lockfile), so /docs works without the internet. */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** The files a URL may name: nothing else on disk is reachable, whatever the path says. */
const FILES: Record<string, { path: string; cacheControl: string }> = {
  "app.css": own("app.css"),
  "upload.js": own("upload.js"),
  "request.js": own("request.js"),
  "shared.js": own("shared.js"),
  "docs.js": own("docs.js"),
  "favicon.svg": own("favicon.svg"),
  // The pinned release never changes under its name: cache it for a day.
  "swagger-ui.css": { path: join(SWAGGER_UI_DIR, "swagger-ui.css"), cacheControl: "public, max-age=86400" },
  "swagger-ui-bundle.js": {
    path: join(SWAGGER_UI_DIR, "swagger-ui-bundle.js"),
    cacheControl: "public, max-age=86400",
  },
};

function own(name: string) {
  // Not fingerprinted: revalidated by ETag on every use, so a new release shows at once.
  return { path: join(WEB_DIR, name), cacheControl: "no-cache" };
}

/**
 * The web page's files and the API reference's, read once on first use and kept in memory (the
 * largest, swagger-ui's bundle, is about 1.5 MB). Unknown names are null, never a file-system path.
 */
export class StaticAssets {
  private readonly loaded = new Map<string, Promise<Asset>>();

  /** The asset of that name, or null when there is none. */
  get(name: string): Promise<Asset> | null {
    const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    if (!file) return null;
    let asset = this.loaded.get(name);
    if (!asset) {
      asset = load(file.path, file.cacheControl);
      // A failed read is not remembered: the next request tries again.
      asset.catch(() => this.loaded.delete(name));
      this.loaded.set(name, asset);
    }
    return asset;
  }
}

/** Reads a file into an asset; `transform` fills in a page template. */
export async function load(
  path: string,
  cacheControl: string,
  transform?: (text: string) => string,
): Promise<Asset> {
  let body = await readFile(path);
  if (transform) body = Buffer.from(transform(body.toString("utf8")));
  const extension = path.slice(path.lastIndexOf("."));
  return {
    body,
    contentType: TYPES[extension] ?? "application/octet-stream",
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
    cacheControl,
  };
}
