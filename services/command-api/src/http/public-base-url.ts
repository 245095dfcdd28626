import type { Config } from "@reimagine/platform";
import type { Context } from "hono";

/**
 * The base of absolute links in responses: PUBLIC_BASE_URL when configured, else
 * `http://localhost:$PORT` (the notifier's default too). The request's Host header is never used
 * unless TRUST_PROXY is on (then X-Forwarded-Proto/-Host, or Host, as the trusted proxy passed them):
 * anyone can send `Host: evil.example`, and links built from it would point there.
 */
export function publicBaseUrl(
  c: Context,
  config: Pick<Config, "PUBLIC_BASE_URL" | "TRUST_PROXY" | "PORT">,
): string {
  if (config.PUBLIC_BASE_URL) return config.PUBLIC_BASE_URL.replace(/\/+$/, "");
  const fallback = `http://localhost:${config.PORT}`;
  if (!config.TRUST_PROXY) return fallback;
  const own = new URL(c.req.url);
  const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim();
  const host = c.req.header("x-forwarded-host")?.split(",")[0]?.trim();
  const scheme = proto === "http" || proto === "https" ? proto : own.protocol.slice(0, -1);
  try {
    return new URL(`${scheme}://${host || own.host}`).origin;
  } catch {
    // A forwarded host that is not a host: the configured default still works.
    return fallback;
  }
}
