import { Readable } from "node:stream";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { BlobNotFoundError } from "@reimagine/blobs";
import { openApiPath, ROUTES } from "@reimagine/contracts";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { methodNotAllowed } from "../http/method-not-allowed";
import { ProblemError } from "../http/problem-error";
import { readRequestState } from "../status/read-request-state";
import { headOf, PUBLIC, problemResponses, RequestIdParams } from "./openapi-schemas";

/** How long a presigned URL handed out by a redirect stays valid. */
export const PRESIGNED_URL_SECONDS = 300;

const route = createRoute({
  method: "get",
  path: openApiPath(ROUTES.requestImage),
  operationId: "getGeneratedImage",
  ...PUBLIC,
  summary: "The generated image",
  description:
    "The link in the email. Redirects to a fresh presigned URL (valid 5 minutes) of the object " +
    "store, or streams the bytes when images are kept on local disk. Gone (410) once the images " +
    "expired (RETENTION_DAYS) or the person's data was erased.",
  request: { params: RequestIdParams },
  responses: {
    200: {
      description: "The image bytes (local-disk blob store)",
      content: {
        "image/png": { schema: z.string().openapi({ format: "binary" }) },
        "image/jpeg": { schema: z.string().openapi({ format: "binary" }) },
        "image/webp": { schema: z.string().openapi({ format: "binary" }) },
      },
    },
    302: {
      description: "Redirect to a presigned URL of the image (S3/MinIO)",
      headers: z.object({ Location: z.url() }),
    },
    ...problemResponses({
      400: "The id is not a UUID",
      404: "No request has this id, or its image is not generated yet",
      410: "The images expired, or the request was erased",
      503: "The read model, event log or image store is unavailable",
    }),
  },
});

/** GET /api/v1/request/:id/image: a redirect to a fresh presigned URL, or the bytes themselves. */
export function mountImageRoute(app: OpenAPIHono<AppEnv>, deps: CommandApiDeps): void {
  const bucket = deps.config.S3_BUCKET_GENERATED;
  app.openAPIRegistry.registerPath(headOf(route));
  app.openapi(route, async function requestImage(c) {
    const { id } = c.req.valid("param");
    const found = await readRequestState({ ...deps, logger: c.var.log }, id);
    if (!found) throw new ProblemError("unknown-request", `there is no request ${id}`);
    const { generatedImageKey: key, generatedContentType, status, erasedAt, imagesExpiredAt } = found.state;
    if (erasedAt) throw new ProblemError("request-erased", `request ${id} was erased at ${erasedAt}`);
    if (imagesExpiredAt) {
      throw new ProblemError("image-expired", `the images of request ${id} expired at ${imagesExpiredAt}`);
    }
    if (!key) {
      throw new ProblemError("image-not-ready", `request ${id} is ${status}; its image is not generated yet`);
    }
    const url = await deps.blobs.presignedGetUrl(bucket, key, PRESIGNED_URL_SECONDS);
    if (url) {
      // Each visit gets a fresh URL, so the redirect itself must not be reused past its expiry.
      c.header("cache-control", "no-store");
      return c.redirect(url, 302);
    }
    let object: Awaited<ReturnType<typeof deps.blobs.get>>;
    try {
      object = await deps.blobs.get(bucket, key);
    } catch (err) {
      if (err instanceof BlobNotFoundError) {
        throw new ProblemError("not-found", `the image of request ${id} is missing from the store`, {
          cause: err,
        });
      }
      throw err;
    }
    const headers = {
      // The event's type, an image/* the generator produced; never what the file happens to contain.
      "content-type": generatedContentType ?? object.contentType,
      "content-length": String(object.size),
      // A retried generation may replace the image under the same key, so it is not immutable.
      "cache-control": "public, max-age=300",
      "x-content-type-options": "nosniff",
    };
    if (c.req.method === "HEAD") {
      object.body.destroy();
      return c.body(null, 200, headers);
    }
    return c.body(Readable.toWeb(object.body) as ReadableStream<Uint8Array>, 200, headers);
  });
  app.all(ROUTES.requestImage, methodNotAllowed(["GET", "HEAD"]));
}
