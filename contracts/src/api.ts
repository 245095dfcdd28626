import * as z from "zod";
import { FailureCategory } from "./events/failure-category";
import { Stage } from "./events/stage";

/** The statuses a request moves through, in order, plus `failed`, `cancelled` (by its owner) and
 * `erased` once it is forgotten. */
export const RequestStatusName = z.enum([
  "pending",
  "captioned",
  "generated",
  "notified",
  "failed",
  "erased",
  "cancelled",
]);
export type RequestStatusName = z.infer<typeof RequestStatusName>;

/** 202 body of POST /api/v1/register. */
export const RegisterResponse = z.object({
  id: z.uuid(),
  status: z.literal("pending"),
  statusUrl: z.string(),
  /**
   * The secret that lets its holder cancel the request (POST /api/v1/request/:id/cancel). Only its
   * hash is in the log; it is shown here and on an Idempotency-Key replay, null only when a replay
   * answers for a submission made before cancel tokens existed.
   */
  cancelToken: z.string().min(20).max(200).nullable(),
});
export type RegisterResponse = z.infer<typeof RegisterResponse>;

/** The public view of a failure: a stable category and its safe sentence, never the raw reason. */
export const RequestError = z.object({
  stage: Stage,
  category: FailureCategory,
  message: z.string(),
  attempts: z.number().int(),
});

/** Which model made a result and which backend served it: `offline` is the labelled demo mode. */
export const ModelProvenance = z.object({
  model: z.string().meta({ description: "The model's name, e.g. google/gemma-4-31B-it" }),
  provider: z.string().meta({
    description:
      'Who served it: "huggingface:<provider>" (Inference Providers), "endpoint" (a dedicated or ' +
      'self-hosted endpoint) or "offline" (the demo mode: no model was involved)',
  }),
});
export type ModelProvenance = z.infer<typeof ModelProvenance>;

/** 200 body of GET /api/v1/request/:id. */
export const RequestStatusResponse = z.object({
  id: z.uuid(),
  status: RequestStatusName,
  /** Masked ("n***@example.com"), or "erased" once the person's data is erased. */
  email: z.string(),
  caption: z.string().nullable(),
  captionedBy: ModelProvenance.nullable().meta({
    description: "The model that made the caption; null until captioned",
  }),
  generatedImageUrl: z.string().nullable(),
  generatedBy: ModelProvenance.nullable().meta({
    description: "The model that made the new image; null until generated",
  }),
  /** When the retention sweep removed the images (the image link then answers 410), else null. */
  imageExpiredAt: z.iso.datetime({ offset: true }).nullable(),
  /** When an operator erased the person's data (`reimagine forget`), else null. */
  erasedAt: z.iso.datetime({ offset: true }).nullable(),
  error: RequestError.nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  history: z.array(z.object({ type: z.string(), at: z.iso.datetime({ offset: true }) })),
});
export type RequestStatusResponse = z.infer<typeof RequestStatusResponse>;

/** RFC 9457 problem details, the body of every error response. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
});
export type Problem = z.infer<typeof Problem>;

/** Body of POST /api/v1/request/:id/cancel. */
export const CancelRequestBody = z.object({ cancelToken: z.string().min(1).max(200) });
export type CancelRequestBody = z.infer<typeof CancelRequestBody>;

/**
 * The `data` of one server-sent event of GET /api/v1/request/:id/events: one domain event as the
 * public may see it (never the email, the webhook URL or the cancel token's hash), with the
 * request's status after it. The SSE `id` is `position`, its `event` the type.
 */
export const RequestEventMessage = z.object({
  position: z.number().int().positive(),
  type: z.string(),
  at: z.iso.datetime({ offset: true }),
  status: RequestStatusName,
  /** The event's public fields, e.g. caption, model and provider of CaptionProduced. */
  data: z.record(z.string(), z.unknown()),
});
export type RequestEventMessage = z.infer<typeof RequestEventMessage>;
