import { acquireLease, decideLease, type Lease } from "@reimagine/eventstore";
import type { Logger } from "@reimagine/platform";
import { type ClaimData, ClaimHeldError, type ClaimStore } from "./claims";
import { MailSendError, type MailTransport, type OutgoingMail } from "./mail";

/** An email that went out, as UserNotified records it. */
export interface SentEmail {
  messageId: string;
  recipientDomain: string;
  /** False when an earlier attempt had already sent it and only the record was missing. */
  sentNow: boolean;
}

/** What the claim of an email says, for the decision to record a failure. */
export type ClaimStatus =
  | { kind: "sent"; email: SentEmail }
  | { kind: "held"; owner: string; retryAfterMs: number }
  | { kind: "free" };

export interface ExactlyOnceMailerOptions {
  claims: ClaimStore;
  transport: MailTransport;
  /** How long a held claim stays valid without a renewal; renewed every third of it. */
  leaseMs: number;
  /** This instance's id in claims; unique per process and handler. */
  owner: string;
  now?: () => number;
}

/**
 * Sends each email at most once across every notifier instance, by taking its claim (a lease, see
 * packages/eventstore/src/lease) before the send (see README: the claim protocol and its one crash
 * window). Emails it sent but whose UserNotified is not appended yet are also remembered in memory,
 * so a failing claim store cannot cause a resend while this process lives.
 */
export class ExactlyOnceMailer {
  private readonly sendingKeys = new Set<string>();
  private readonly unrecorded = new Map<string, SentEmail>();
  private readonly now: () => number;

  constructor(private readonly options: ExactlyOnceMailerOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Sends `mail` under claim `key` unless it went out before, and returns what to record. Throws
   * ClaimHeldError while another live sender has it, MailSendError when the send failed.
   */
  async sendOnce(key: string, mail: OutgoingMail, recipientDomain: string, log: Logger): Promise<SentEmail> {
    const remembered = this.unrecorded.get(key);
    if (remembered) return { ...remembered, sentNow: false };
    const { claims, owner, leaseMs } = this.options;
    // one send per key in this process; checked and set without an await in between
    if (this.sendingKeys.has(key)) throw new ClaimHeldError(key, owner, leaseMs);
    this.sendingKeys.add(key);
    try {
      const claim = await acquireLease(claims, key, {
        owner,
        leaseMs,
        logger: log,
        now: this.now,
        data: () => ({ messageId: mail.messageId, recipientDomain }),
      });
      switch (claim.kind) {
        case "done": {
          const { messageId } = claim.record.data;
          log.info(
            { key, messageId },
            "email already sent by an earlier attempt: recording it, not sending again",
          );
          return { ...claim.record.data, sentNow: false };
        }
        case "held":
          throw new ClaimHeldError(key, claim.record.owner, claim.retryAfterMs);
        case "contended":
          throw new ClaimHeldError(key, "other instances", leaseMs);
        case "acquired":
          if (claim.takeover) {
            log.error(
              {
                key,
                previousOwner: claim.previous?.owner,
                silentForMs: claim.takeover.silentForMs,
                messageId: mail.messageId,
              },
              "NOTIFICATION RESEND: the previous sender went silent mid-send; sending again with the same " +
                "Message-ID. If its send had reached the server, the person gets a duplicate that mail " +
                "clients can recognise by the Message-ID",
            );
          }
          return await this.sendUnder(claim.lease, mail, log);
      }
    } finally {
      this.sendingKeys.delete(key);
    }
  }

  /** What the claim says now: sent, held by a live sender, or free (nobody is sending). */
  async status(key: string): Promise<ClaimStatus> {
    const remembered = this.unrecorded.get(key);
    if (remembered) return { kind: "sent", email: { ...remembered, sentNow: false } };
    const { claims, owner, leaseMs } = this.options;
    if (this.sendingKeys.has(key)) return { kind: "held", owner, retryAfterMs: leaseMs };
    const entry = await claims.get(key);
    const decision = decideLease({ entry, nowMs: this.now(), leaseMs, self: owner });
    if (decision.kind === "done") return { kind: "sent", email: { ...decision.record.data, sentNow: false } };
    if (decision.kind === "wait") {
      return { kind: "held", owner: decision.record.owner, retryAfterMs: decision.retryAfterMs };
    }
    return { kind: "free" };
  }

  /** Forgets a sent email once its UserNotified is in the log (or the request moved on). */
  recorded(key: string): void {
    this.unrecorded.delete(key);
  }

  private async sendUnder(lease: Lease<ClaimData>, mail: OutgoingMail, log: Logger): Promise<SentEmail> {
    const { recipientDomain } = lease.data;
    let result: Awaited<ReturnType<MailTransport["send"]>>;
    try {
      result = await this.options.transport.send(mail);
      if (!result.accepted) {
        throw new MailSendError({
          transient: false,
          smtpCode: null,
          reason: "the server accepted no recipient",
        });
      }
    } catch (err) {
      const reason = err instanceof MailSendError ? err.reason : String(err);
      // releasing the claim lets the retry send at once; if that fails, the claim expires instead
      await lease
        .settle({ state: "failed", data: lease.data, reason })
        .catch((settleErr: unknown) =>
          log.warn({ err: settleErr, key: lease.key }, "could not release the notification claim"),
        );
      throw err;
    }

    const sent: SentEmail = { messageId: result.messageId, recipientDomain, sentNow: true };
    this.unrecorded.set(lease.key, sent);
    log.info(
      { messageId: result.messageId, recipientDomain, ...(result.location ? { path: result.location } : {}) },
      result.duplicate ? "email was already in the outbox" : "email handed to the mail server",
    );
    try {
      const marked = await lease.settle({
        state: "done",
        data: { messageId: result.messageId, recipientDomain },
      });
      if (!marked) {
        log.error(
          { key: lease.key, messageId: result.messageId },
          "email sent, but another instance had taken the claim over: it may have sent a second copy",
        );
      }
    } catch (err) {
      // the in-memory record still prevents a resend from this process; UserNotified is appended next
      log.error({ err, key: lease.key }, "email sent, but the claim could not be marked sent");
    }
    return sent;
  }
}
