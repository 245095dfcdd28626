import * as z from "zod";

/** The stages whose failure the person is told about by email (a failed email cannot be emailed). */
export const NoticeStage = z.enum(["caption", "generation"]);
export type NoticeStage = z.infer<typeof NoticeStage>;

/**
 * The person was emailed that their request failed for good at `stage` and that nothing more
 * will come; only the recipient's domain is repeated here.
 */
export const FailureNotifiedV1 = z.object({
  stage: NoticeStage,
  messageId: z.string().min(1).max(998),
  recipientDomain: z.string().min(1).max(253),
});
export type FailureNotified = z.infer<typeof FailureNotifiedV1>;

/** The email telling the person of a failure could not be delivered (permanent SMTP error, or retries ran out). */
export const FailureNotificationFailedV1 = z.object({
  stage: NoticeStage,
  reason: z.string().min(1).max(2000),
  attempts: z.number().int().positive(),
  smtpCode: z.number().int().nullable(),
});
export type FailureNotificationFailed = z.infer<typeof FailureNotificationFailedV1>;
