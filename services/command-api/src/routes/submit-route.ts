import { Readable } from "node:stream";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ROUTES } from "@reimagine/contracts";
import { leaseOwnerId } from "@reimagine/eventstore";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { methodNotAllowed } from "../http/answer-problems";
import { clientAddress, clientGone } from "../http/client-address";
import { idempotencyKeyOf } from "../http/idempotency-key";
import { publicBaseUrl } from "../http/public-base-url";
import { rateLimit } from "../http/rate-limit";
import type { IdempotentOutcome } from "../idempotency/with-idempotency";
import { statusPath } from "../status/to-status-response";
import { submit } from "../submission/submit";
import { validateSubmission } from "../submission/validate-submission";
import { parseUpload, uploadLimitsFor } from "../upload/parse-upload";
import { PixelBudget } from "../upload/pixel-budget";
import { UploadAdmission } from "../upload/upload-admission";
import { UploadSlots } from "../upload/upload-slots";
import {
  headers,
  PUBLIC,
  problemResponses,
  RATE_LIMIT_HEADERS,
  RegisterResponseSchema,
} from "./openapi-schemas";

const PATH = ROUTES.register;

const route = createRoute({
  method: "post",
  path: PATH,
  operationId: "recordSubmission",
  ...PUBLIC,
  summary: "Submit a photo and an email address",
  description:
    "Stores the photo and starts the pipeline: caption → new image → email with a link. The image is judged " +
    "by its bytes (JPEG, PNG or WebP that decodes), never by its declared type or file name.",
  request: {
    headers: z.object({
      "idempotency-key": z
        .string()
        .min(1)
        .max(200)
        .optional()
        .openapi({
          description:
            "1–200 visible ASCII characters. The same key with the same email and image returns the same id " +
            "and stores nothing new; with a different body it is refused (422). Remembered for IDEMPOTENCY_TTL_MS (24 h by default).",
        }),
    }),
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: z.object({
            image: z.string().openapi({ type: "string", format: "binary", description: "JPEG, PNG or WebP" }),
            email: z
              .string()
              .max(254)
              .openapi({
                format: "email",
                example: "nina@example.com",
                description:
                  "One plain address: at most 64 characters before the @, domain labels of at most 63, 254 in all; " +
                  "no name, list, comment or quotes. The notifier applies the same rule.",
              }),
            webhookUrl: z
              .url()
              .max(2048)
              .optional()
              .openapi({
                example: "https://hooks.example.com/reimagine",
                description:
                  "Optional. Where the outcome is POSTed, signed as Standard Webhooks describe (WEBHOOK_SECRET): " +
                  "request.completed, request.failed or request.cancelled. Must resolve to public addresses only.",
              }),
          }),
        },
      },
    },
  },
  responses: {
    202: {
      description: "Accepted: the request exists and the pipeline will run.",
      headers: {
        Location: {
          description: "The request's status, relative to the API",
          schema: { type: "string", example: "/api/v1/request/0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b" },
        },
        "Idempotent-Replayed": {
          description: "`true` when the answer is the earlier request's with the same Idempotency-Key",
          schema: { type: "string", enum: ["true"] },
        },
        ...headers(...RATE_LIMIT_HEADERS),
      },
      content: { "application/json": { schema: RegisterResponseSchema } },
    },
    ...problemResponses(
      {
        400: "Bad input: missing or extra fields, malformed multipart, invalid email, refused webhookUrl, empty image, bad Idempotency-Key",
        408: "The upload sent nothing for UPLOAD_IDLE_TIMEOUT_MS, or was not done within UPLOAD_TIMEOUT_MS",
        413:
          "The upload is over MAX_UPLOAD_BYTES (with `Expect: 100-continue`, answered before the body is sent), " +
          "or the image has more than MAX_IMAGE_PIXELS pixels",
        415: "Not multipart/form-data, or the file is not a JPEG, PNG or WebP whose header parses",
        422: "The Idempotency-Key was used before with a different email or image",
        429:
          "Too many submissions from this address per minute, too many of its uploads open at once, or too " +
          "many pixels from it this minute; see Retry-After",
        503: "A dependency (event log, image store) is down, or the server is busy; see Retry-After",
      },
      { 429: RATE_LIMIT_HEADERS },
    ),
  },
});

/**
 * POST /api/v1/register. The body is streamed through the multipart parser (never buffered whole,
 * never past the limit), so the route is documented from its schema but not validated by
 * zod-openapi, which would read the whole body first. Per client address: at most
 * UPLOADS_PER_CLIENT open uploads and PIXEL_BUDGET_PER_MINUTE pixels; per process: UPLOAD_CONCURRENCY
 * uploads reading at once, each holding its slot only while its bytes flow.
 */
export function mountSubmitRoute(app: OpenAPIHono<AppEnv>, deps: CommandApiDeps): void {
  const { config } = deps;
  const limits = uploadLimitsFor(config.MAX_UPLOAD_BYTES);
  const pump = {
    slots: new UploadSlots(config.UPLOAD_CONCURRENCY),
    idleTimeoutMs: config.UPLOAD_IDLE_TIMEOUT_MS,
    totalTimeoutMs: config.UPLOAD_TIMEOUT_MS,
  };
  const admission = new UploadAdmission(config.UPLOADS_PER_CLIENT, config.UPLOAD_CONCURRENCY * 16);
  const pixels = new PixelBudget(config.PIXEL_BUDGET_PER_MINUTE);
  const submitDeps = {
    store: deps.store,
    blobs: deps.blobs,
    vault: deps.vault,
    idempotency: deps.idempotency,
    originalsBucket: config.S3_BUCKET_ORIGINALS,
    idempotencyLeaseMs: deps.idempotencyLeaseMs ?? 30_000,
    // this API instance in Idempotency-Key leases (two instances in one process are two owners)
    idempotencyOwner: leaseOwnerId(),
    logger: deps.logger,
  };
  app.openAPIRegistry.registerPath(route);
  app.post(
    PATH,
    rateLimit({ limit: config.RATE_LIMIT_PER_MINUTE, trustProxy: config.TRUST_PROXY }),
    async function submitRoute(c) {
      const idempotencyKey = idempotencyKeyOf(c.req.header("idempotency-key"));
      const client = clientAddress(c, config.TRUST_PROXY);
      const leave = admission.admit(client);
      let outcome: IdempotentOutcome;
      try {
        // Served by Node, the socket's own stream (no web-stream copy); under app.request(), the body.
        const incoming: unknown = c.env?.incoming;
        const body = incoming instanceof Readable ? incoming : c.req.raw.body;
        const upload = await parseUpload({ headers: c.req.raw.headers, body }, limits, pump);
        const submission = await validateSubmission(upload, {
          maxPixels: config.MAX_IMAGE_PIXELS,
          webhooks: {
            enabled: config.WEBHOOK_SECRET !== undefined,
            allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
          },
        });
        pixels.charge(client, submission.image.width * submission.image.height);
        const log = c.var.log;
        outcome = await submit(
          { ...submitDeps, logger: log, clientGone: () => clientGone(c) },
          submission,
          idempotencyKey,
        );
        log.info(
          {
            requestId: outcome.requestId,
            replayed: outcome.replayed,
            contentType: submission.image.contentType,
            bytes: submission.image.bytes.length,
          },
          outcome.replayed ? "submission replayed (Idempotency-Key)" : "image submitted",
        );
      } finally {
        leave();
      }
      const path = statusPath(outcome.requestId);
      const base = publicBaseUrl(c, config);
      c.header("location", path);
      if (outcome.replayed) c.header("idempotent-replayed", "true");
      return c.json(
        {
          id: outcome.requestId,
          status: "pending" as const,
          statusUrl: `${base}${path}`,
          cancelToken: outcome.cancelToken,
        },
        202,
      );
    },
  );
  app.all(PATH, methodNotAllowed(["POST"]));
}
