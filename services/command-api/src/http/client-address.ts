import { Socket } from "node:net";
import type { Context } from "hono";
import type { AppEnv } from "../app/app-env";

/**
 * Who is asking, for rate limiting: the socket's remote address, or, behind a trusted proxy, the
 * last X-Forwarded-For entry (the address that proxy saw; earlier entries are the client's to forge).
 */
export function clientAddress(c: Context<AppEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for");
    const last = forwarded?.split(",").at(-1)?.trim();
    if (last) return last;
  }
  return c.env?.incoming?.socket?.remoteAddress ?? "unknown";
}

/**
 * True when the client that sent this request is no longer there to read its answer: the socket is
 * closed or the client ended its side (Node's HTTP server treats that as an abort). Always false
 * without a real socket (`app.request()` in tests).
 */
export function clientGone(c: Context<AppEnv>): boolean {
  const socket: unknown = c.env?.incoming?.socket;
  if (!(socket instanceof Socket)) return false;
  return socket.destroyed || !socket.writable || c.req.raw.signal.aborted;
}
