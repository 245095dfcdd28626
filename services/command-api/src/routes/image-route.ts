import { Readable } from "node:stream";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { BlobNotFoundError } from "@reimagine/blobs";
import { openApiPath, type RequestState, ROUTES } from "@reimagine/contracts";
import type { Context } from "hono";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { methodNotAllowed } from "../http/answer-problems";
import { ProblemError } from "../http/problem-error";
import { readRequestState } from "../status/read-request-state";
import { headOf, PUBLIC, problemResponses, RequestIdParams } from "./openapi-schemas";

/** How long a presigned URL handed out by a redirect stays valid. */
const PRESIGNED_URL_SECONDS = 300;

/** The routes of a request's two images: the generated one (the email's link) and the original. */
const IMAGES = {
  generated: {
    operationId: "getGeneratedImage",
    route: ROUTES.requestImage,
    summary: "The generated image",
    description:
      "The link in the email. Redirects to a fresh presigned URL (valid 5 minutes) of the object " +
      "store, or streams the bytes when images are kept on local disk. Gone (410) once the images " +
      "expired (RETENTION_DAYS) or the person's data was erased.",
    notFound: "No request has this id, or its image is not generated yet",
  },
  original: {
    operationId: "getOriginalImage",
    route: ROUTES.requestOriginal,
    summary: "The uploaded original",
    description:
      "The photo as it was submitted (the request page shows it next to the generated image). Like the " +
      "generated image: a redirect to a fresh presigned URL, or the bytes from local disk; gone (410) " +
      "once the images expired or the request was erased.",
    notFound: "No request has this id",
  },
} as const;

const imageRoute = (which: keyof typeof IMAGES) =>
  createRoute({
    method: "get",
    path: openApiPath(IMAGES[which].route),
    operationId: IMAGES[which].operationId,
    ...PUBLIC,
    summary: IMAGES[which].summary,
    description: IMAGES[which].description,
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
        404: IMAGES[which].notFound,
        410: "The images expired, or the request was erased",
        503: "The read model, event log or image store is unavailable",
      }),
    },
  });

/**
 * GET /api/v1/request/:id/image and /original: a redirect to a fresh presigned URL, or the bytes
 * themselves.
 */
export function mountImageRoute(app: OpenAPIHono<AppEnv>, deps: CommandApiDeps): void {
  app.openAPIRegistry.registerPath(headOf(imageRoute("generated")));
  app.openAPIRegistry.registerPath(headOf(imageRoute("original")));
  app.openapi(imageRoute("generated"), async function requestImage(c) {
    const { id } = c.req.valid("param");
    // the read model may not have the image yet that the live stream already announced
    const settled = (s: RequestState) => s.generatedImageKey !== null || gone(s);
    const found = await readRequestState({ ...deps, logger: c.var.log }, id, settled);
    if (!found) throw new ProblemError("unknown-request", `there is no request ${id}`);
    refuseGone(found.state);
    const { generatedImageKey: key, generatedContentType, status } = found.state;
    if (!key) {
      throw new ProblemError("image-not-ready", `request ${id} is ${status}; its image is not generated yet`);
    }
    // A retried generation may replace the image under the same key, so it is not immutable.
    return serveImage(
      c,
      deps,
      { bucket: deps.config.S3_BUCKET_GENERATED, key, requestId: id },
      generatedContentType,
    );
  });
  app.openapi(imageRoute("original"), async function requestOriginal(c) {
    const { id } = c.req.valid("param");
    const found = await readRequestState({ ...deps, logger: c.var.log }, id);
    if (!found) throw new ProblemError("unknown-request", `there is no request ${id}`);
    refuseGone(found.state);
    const key = found.state.originalKey;
    if (!key) throw new ProblemError("not-found", `request ${id} has no original`);
    const original = { bucket: deps.config.S3_BUCKET_ORIGINALS, key, requestId: id, what: "original" };
    return serveImage(c, deps, original, found.state.originalContentType);
  });
  app.all(ROUTES.requestImage, methodNotAllowed(["GET", "HEAD"]));
  app.all(ROUTES.requestOriginal, methodNotAllowed(["GET", "HEAD"]));
}

const gone = (state: RequestState) => state.erasedAt !== null || state.imagesExpiredAt !== null;

/** 410 for a request whose images are gone for good: erased, or expired (RETENTION_DAYS). */
function refuseGone(state: RequestState): void {
  const { requestId, erasedAt, imagesExpiredAt } = state;
  if (erasedAt) throw new ProblemError("request-erased", `request ${requestId} was erased at ${erasedAt}`);
  if (imagesExpiredAt) {
    throw new ProblemError(
      "image-expired",
      `the images of request ${requestId} expired at ${imagesExpiredAt}`,
    );
  }
}

/** Redirects to a presigned URL of the object, or streams it with its image type (HEAD: headers only). */
async function serveImage(
  c: Context<AppEnv>,
  deps: CommandApiDeps,
  {
    bucket,
    key,
    requestId,
    what = "image",
  }: { bucket: string; key: string; requestId: string; what?: string },
  contentType: string | null,
) {
  // Shared links: another site (or a webhook receiver's page) may show the image.
  c.header("cross-origin-resource-policy", "cross-origin");
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
      throw new ProblemError("not-found", `the ${what} of request ${requestId} is missing from the store`, {
        cause: err,
      });
    }
    throw err;
  }
  const headers = {
    // The event's type, an image/* the pipeline checked; never what the file happens to contain.
    "content-type": contentType ?? object.contentType,
    "content-length": String(object.size),
    "cache-control": "public, max-age=300",
    "x-content-type-options": "nosniff",
    "cross-origin-resource-policy": "cross-origin",
  };
  if (c.req.method === "HEAD") {
    object.body.destroy();
    return c.body(null, 200, headers);
  }
  return c.body(Readable.toWeb(object.body) as ReadableStream<Uint8Array>, 200, headers);
}
