import type { Context } from "hono";

/**
 * The base of absolute links in responses: PUBLIC_BASE_URL when configured, else the origin the
 * request came to (with X-Forwarded-Proto/-Host only when the proxy is trusted).
 */
export function publicBaseUrl(c: Context, options: { publicBaseUrl?: string; trustProxy: boolean }): string {
  if (options.publicBaseUrl) return options.publicBaseUrl.replace(/\/+$/, "");
  const url = new URL(c.req.url);
  if (options.trustProxy) {
    const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim();
    const host = c.req.header("x-forwarded-host")?.split(",")[0]?.trim();
    if (proto === "http" || proto === "https") url.protocol = `${proto}:`;
    if (host) url.host = host;
  }
  return url.origin;
}
