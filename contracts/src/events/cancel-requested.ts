import * as z from "zod";

/**
 * The person who submitted the request cancelled it (proving it with the cancel token). The
 * request becomes `cancelled`: no stage is due any more, so nothing else runs and no email is sent.
 */
export const CancelRequestedV1 = z.object({
  /** Where the request was when it was cancelled: the status it leaves. */
  previousStatus: z.enum(["pending", "captioned", "generated"]),
});
export type CancelRequested = z.infer<typeof CancelRequestedV1>;
