import { ROUTES, routeOf } from "@reimagine/contracts";
import { type Config, ConfigError } from "@reimagine/platform";

/**
 * The base of every link in an email: PUBLIC_BASE_URL, else the command API on this host. Checked
 * at start-up, because a link that cannot work would fail every email the same way.
 */
export function publicBaseUrlOf(config: Config): string {
  const raw = config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`;
  const url = new URL(raw);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`PUBLIC_BASE_URL must be an http(s) URL, got ${url.protocol}`);
  }
  if (url.search || url.hash) {
    throw new ConfigError("PUBLIC_BASE_URL must not have a query or a fragment");
  }
  // a path prefix (https://example.com/reimagine) is kept; only trailing slashes go
  return url.href.replace(/\/+$/, "");
}

/** The links of one request under the public base URL: its page, its status (JSON) and its generated image. */
export function requestLinks(
  publicBaseUrl: string,
  requestId: string,
): { imageUrl: string; pageUrl: string; statusUrl: string } {
  return {
    imageUrl: `${publicBaseUrl}${routeOf(ROUTES.requestImage, requestId)}`,
    pageUrl: `${publicBaseUrl}${routeOf(ROUTES.requestPage, requestId)}`,
    statusUrl: `${publicBaseUrl}${routeOf(ROUTES.request, requestId)}`,
  };
}
