import type { Context, MiddlewareHandler } from "hono";
import { rateLimiter } from "hono-rate-limiter";
import type { AppEnv } from "../app/app-env";
import { clientAddress } from "./client-address";
import { ProblemError } from "./problem-error";
import { retryAfter } from "./problem-response";

export interface RateLimitOptions {
  /** Requests per client per window; 0 turns the limit off. */
  limit?: number;
  windowMs?: number;
  /** Key clients by X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy?: boolean;
}

/**
 * Limits requests per client address in a fixed window, in this process's memory. Over the limit,
 * a 429 problem with Retry-After (seconds until the window resets) and the RateLimit-* headers.
 */
export function rateLimit({
  limit = 30,
  windowMs = 60_000,
  trustProxy = false,
}: RateLimitOptions = {}): MiddlewareHandler<AppEnv> {
  if (limit === 0) {
    return async function rateLimitOff(_c, next) {
      await next();
    };
  }
  const limiter = rateLimiter<AppEnv>({
    windowMs,
    limit,
    standardHeaders: "draft-6",
    keyGenerator: (c) => clientAddress(c, trustProxy),
    handler: (c) => {
      const seconds = secondsUntilReset(c, windowMs);
      throw new ProblemError(
        "rate-limited",
        `at most ${limit} submissions per ${windowMs / 1000} s from one address; try again in ${seconds} s`,
        { headers: retryAfter(seconds) },
      );
    },
  });
  return async function rateLimit(c, next) {
    return limiter(c, next);
  };
}

/** Whole seconds until the client's rate-limit window (hono-rate-limiter's) resets, at least 1. */
export function secondsUntilReset(c: Context<AppEnv>, windowMs: number): number {
  const resetAt = c.get("rateLimit").resetTime?.getTime() ?? Date.now() + windowMs;
  return Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
}
