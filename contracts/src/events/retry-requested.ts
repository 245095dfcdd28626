import * as z from "zod";
import { Stage } from "./stage";

/** An operator asked for a failed stage to run again. */
export const RetryRequestedV1 = z.object({
  stage: Stage,
  requestedBy: z.string().min(1).max(200),
  reason: z.string().max(2000).optional(),
});
export type RetryRequested = z.infer<typeof RetryRequestedV1>;
