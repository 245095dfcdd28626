import type { Context } from "hono";

/**
 * The base of absolute links in responses: PUBLIC_BASE_URL when configured, else the origin the
 * request came to (with X-Forwarded-Proto/-Host only when the proxy is trusted).
 */
export function publicBaseUrl(c: Context, options: { publicBaseUrl?: string; trustProxy: boolean }): string {
  if (options.publicBaseUrl) return options.publicBaseUrl.replace(/\/+$/, "");
  const own = new URL(c.req.url);
  if (!options.trustProxy) return own.origin;
  const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim();
  const host = c.req.header("x-forwarded-host")?.split(",")[0]?.trim();
  const scheme = proto === "http" || proto === "https" ? proto : own.protocol.slice(0, -1);
  try {
    return new URL(`${scheme}://${host || own.host}`).origin;
  } catch {
    // A forwarded host that is not a host: the request's own origin is still a working link.
    return own.origin;
  }
}
