import * as z from "zod";

/** The email went out; only the recipient's domain is repeated here. */
export const UserNotifiedV1 = z.object({
  messageId: z.string().min(1).max(998),
  recipientDomain: z.string().min(1).max(253),
});
export type UserNotified = z.infer<typeof UserNotifiedV1>;
