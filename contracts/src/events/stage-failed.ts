import * as z from "zod";
import { FailureCategory } from "./failure-category";
import { Provider } from "./stage";

const failure = {
  /** The full reason, for operators: never shown on the public status (the category's sentence is). */
  reason: z.string().min(1).max(2000),
  attempts: z.number().int().positive(),
  /** Absent on events written before categories existed; then inferred (failureCategoryOf). */
  category: FailureCategory.optional(),
};

/** Captioning gave up: a permanent error, or retries ran out. */
export const CaptionFailedV1 = z.object({
  ...failure,
  httpStatus: z.number().int().nullable(),
  provider: Provider.optional(),
});
export type CaptionFailed = z.infer<typeof CaptionFailedV1>;

/** Generation gave up: a permanent error, retries ran out, or the model returned no image. */
export const GenerationFailedV1 = z.object({
  ...failure,
  httpStatus: z.number().int().nullable(),
  provider: Provider.optional(),
});
export type GenerationFailed = z.infer<typeof GenerationFailedV1>;

/** The email could not be delivered (permanent SMTP error, or retries ran out). */
export const NotificationFailedV1 = z.object({
  ...failure,
  smtpCode: z.number().int().nullable(),
});
export type NotificationFailed = z.infer<typeof NotificationFailedV1>;
