import { z } from "zod";
import { Stage } from "./events/stage";

/** The statuses a request moves through, in order, plus `failed`. */
export const RequestStatusName = z.enum(["pending", "captioned", "generated", "notified", "failed"]);
export type RequestStatusName = z.infer<typeof RequestStatusName>;

/** 202 body of POST /api/v1/register. */
export const RegisterResponse = z.object({
  id: z.uuid(),
  status: z.literal("pending"),
  statusUrl: z.string(),
});
export type RegisterResponse = z.infer<typeof RegisterResponse>;

export const RequestError = z.object({
  stage: Stage,
  message: z.string(),
  attempts: z.number().int(),
});

/** 200 body of GET /api/v1/request/:id. */
export const RequestStatusResponse = z.object({
  id: z.uuid(),
  status: RequestStatusName,
  email: z.string(),
  caption: z.string().nullable(),
  generatedImageUrl: z.string().nullable(),
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
