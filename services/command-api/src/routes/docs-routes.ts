import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { publicBaseUrl } from "../http/public-base-url";

/** /openapi.json (OpenAPI 3.1, generated from the zod schemas of the routes); /docs is a web page. */
export function mountDocsRoutes(app: OpenAPIHono<AppEnv>, deps: CommandApiDeps): void {
  const { config } = deps;
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "reimagine API",
      version: "1.0.0",
      license: { name: "MIT", identifier: "MIT" },
      description:
        "Upload a photo and an email address; reimagine captions the photo, generates a new image from " +
        "the caption and emails you a link. Errors are application/problem+json (RFC 9457).",
    },
    servers: [{ url: publicBaseUrl(c, config) }],
    // No credentials anywhere in this document: the admin API is served on its own listener.
    security: [],
  }));
}
