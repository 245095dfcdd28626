import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/**
 * The security headers of every response, in one middleware: a strict Content-Security-Policy
 * (every script, style, font and request from this origin only, no inline script or style, no
 * framing), nosniff, no referrer, and the rest of hono's secureHeaders defaults. Images may also
 * come from the object store (`imageOrigins`), where /image and /original redirect to presigned
 * URLs, and from blob: URLs (the preview of the photo chosen for upload).
 */
export function contentSecurityPolicy({
  imageOrigins = [],
}: {
  imageOrigins?: string[];
} = {}): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      // data: for the icons inside swagger-ui's stylesheet
      imgSrc: ["'self'", "data:", "blob:", ...imageOrigins],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      manifestSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
    referrerPolicy: "no-referrer",
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
    // HSTS belongs to whoever terminates TLS; on plain http (local use) it would only confuse.
    strictTransportSecurity: false,
    // A route may set its own value of a header (the images allow cross-origin embedding).
    overwrite: false,
  });
}
