import { z } from "zod";

const common = {
  /** The notifier instance that wrote this revision (host/pid/random). */
  owner: z.string().min(1).max(300),
  /** The writer's clock, for people reading the bucket; staleness uses the server's timestamp. */
  at: z.iso.datetime({ offset: true }),
  messageId: z.string().min(1).max(998),
  recipientDomain: z.string().min(1).max(253),
};

/**
 * What the claims bucket holds for one (request, notification retry):
 * - `sending`: `owner` may be talking to the SMTP server right now; it renews the claim while it does,
 * - `sent`: the SMTP server accepted the message (250) or the outbox holds it: never send it again,
 * - `failed`: the last attempt definitely delivered nothing, so the next delivery may take the claim.
 */
export const NotificationClaim = z.discriminatedUnion("state", [
  z.object({ state: z.literal("sending"), ...common, takeover: z.boolean() }),
  z.object({ state: z.literal("sent"), ...common }),
  z.object({
    state: z.literal("failed"),
    ...common,
    reason: z.string().max(2000),
    smtpCode: z.number().int().nullable(),
  }),
]);
export type NotificationClaim = z.infer<typeof NotificationClaim>;

/** A claim as read back, with its revision (for compare-and-set) and the server's timestamp. */
export interface ClaimEntry {
  claim: NotificationClaim;
  revision: number;
  storedAt: Date;
}

/**
 * The key of one email: the request and how many notification retries it had. An operator's retry
 * after NotificationFailed gets a fresh key, so it can send again; everything else shares one.
 */
export function claimKey(requestId: string, notificationRetries: number): string {
  return `${requestId}.${notificationRetries}`;
}
