import type { Logger } from "@reimagine/platform";
import { ClaimHeldError, ClaimLease, type ClaimStore, decideClaim, type NotificationClaim } from "./claims";
import { MailSendError, type MailTransport, type OutgoingMail } from "./mail";

/** An email that went out, as UserNotified records it. */
export interface Delivery {
  messageId: string;
  recipientDomain: string;
  /** False when an earlier delivery had already sent it and only the record was missing. */
  sentNow: boolean;
}

/** What the claim of an email says, for the decision to record a failure. */
export type ClaimStatus =
  | { kind: "sent"; delivery: Delivery }
  | { kind: "held"; owner: string; retryAfterMs: number }
  | { kind: "free" };

export interface ExactlyOnceMailerOptions {
  claims: ClaimStore;
  transport: MailTransport;
  /** How long a `sending` claim stays valid without a renewal; renewed every third of it. */
  leaseMs: number;
  /** This instance's id in claims; unique per process and handler. */
  owner: string;
  now?: () => number;
}

/** Three lost races in a row for one claim means others are busy with it: back off a little. */
const CLAIM_ROUNDS = 3;

/**
 * Sends each email at most once across every notifier instance, by claiming its key before the send
 * (see README: the claim protocol and its one crash window). Emails it sent but whose UserNotified is
 * not appended yet are also remembered in memory, so a failing claim store cannot cause a resend
 * while this process lives.
 */
export class ExactlyOnceMailer {
  private readonly sendingKeys = new Set<string>();
  private readonly unrecorded = new Map<string, Delivery>();
  private readonly now: () => number;

  constructor(private readonly options: ExactlyOnceMailerOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Sends `mail` under claim `key` unless it went out before, and returns what to record. Throws
   * ClaimHeldError while another live sender has it, MailSendError when the send failed.
   */
  async deliver(key: string, mail: OutgoingMail, recipientDomain: string, log: Logger): Promise<Delivery> {
    const remembered = this.unrecorded.get(key);
    if (remembered) return { ...remembered, sentNow: false };
    // one send per key in this process; checked and set without an await in between
    if (this.sendingKeys.has(key)) throw new ClaimHeldError(key, this.options.owner, this.options.leaseMs);
    this.sendingKeys.add(key);
    try {
      for (let round = 1; round <= CLAIM_ROUNDS; round++) {
        const claimed = await this.claim(key, mail, recipientDomain, log);
        if (claimed instanceof ClaimLease) return await this.sendUnder(claimed, mail, recipientDomain, log);
        if (claimed) return claimed;
      }
      throw new ClaimHeldError(key, "other instances", this.options.leaseMs);
    } finally {
      this.sendingKeys.delete(key);
    }
  }

  /** What the claim says now: sent, held by a live sender, or free (nobody is sending). */
  async status(key: string): Promise<ClaimStatus> {
    const remembered = this.unrecorded.get(key);
    if (remembered) return { kind: "sent", delivery: { ...remembered, sentNow: false } };
    if (this.sendingKeys.has(key)) {
      return { kind: "held", owner: this.options.owner, retryAfterMs: this.options.leaseMs };
    }
    const decision = this.decide(await this.options.claims.get(key));
    if (decision.kind === "sent") {
      const { messageId, recipientDomain } = decision;
      return { kind: "sent", delivery: { messageId, recipientDomain, sentNow: false } };
    }
    if (decision.kind === "wait") {
      return { kind: "held", owner: decision.owner, retryAfterMs: decision.retryAfterMs };
    }
    return { kind: "free" };
  }

  /** Forgets a delivery once its UserNotified is in the log (or the request moved on). */
  recorded(key: string): void {
    this.unrecorded.delete(key);
  }

  private decide(entry: Awaited<ReturnType<ClaimStore["get"]>>) {
    return decideClaim({ entry, nowMs: this.now(), leaseMs: this.options.leaseMs, self: this.options.owner });
  }

  /** Takes the claim: a lease, the earlier delivery when the email went out before, null after a lost race. */
  private async claim(
    key: string,
    mail: OutgoingMail,
    recipientDomain: string,
    log: Logger,
  ): Promise<ClaimLease | Delivery | null> {
    const { claims, owner, leaseMs } = this.options;
    const decision = this.decide(await claims.get(key));
    const sending = (takeover: boolean): NotificationClaim & { state: "sending" } => ({
      state: "sending",
      owner,
      at: new Date(this.now()).toISOString(),
      messageId: mail.messageId,
      recipientDomain,
      takeover,
    });
    let claim: NotificationClaim & { state: "sending" };
    let revision: number | null;
    switch (decision.kind) {
      case "sent":
        log.info(
          { key, messageId: decision.messageId },
          "email already sent by an earlier delivery: recording it, not sending again",
        );
        return { messageId: decision.messageId, recipientDomain: decision.recipientDomain, sentNow: false };
      case "wait":
        throw new ClaimHeldError(key, decision.owner, decision.retryAfterMs);
      case "create":
        claim = sending(false);
        revision = await claims.create(key, claim);
        break;
      case "retake":
        claim = sending(false);
        revision = await claims.update(key, claim, decision.revision);
        break;
      case "takeover":
        claim = sending(true);
        revision = await claims.update(key, claim, decision.revision);
        if (revision !== null) {
          log.error(
            {
              key,
              previousOwner: decision.previous.owner,
              silentForMs: decision.silentForMs,
              messageId: mail.messageId,
            },
            "NOTIFICATION RESEND: the previous sender went silent mid-send; sending again with the same " +
              "Message-ID. If its send had reached the server, the person gets a duplicate that mail " +
              "clients can recognise by the Message-ID",
          );
        }
        break;
    }
    if (revision === null) {
      log.debug({ key }, "another instance changed the notification claim first: deciding again");
      return null;
    }
    return new ClaimLease(claims, key, claim, revision, leaseMs, log);
  }

  private async sendUnder(
    lease: ClaimLease,
    mail: OutgoingMail,
    recipientDomain: string,
    log: Logger,
  ): Promise<Delivery> {
    const { owner } = this.options;
    const base = { owner, messageId: mail.messageId, recipientDomain };
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
      const failure =
        err instanceof MailSendError
          ? { reason: err.reason, smtpCode: err.smtpCode }
          : { reason: String(err), smtpCode: null };
      // releasing the claim lets the retry send at once; if that fails, the claim expires instead
      await lease
        .settle({ state: "failed", at: this.isoNow(), ...base, ...failure })
        .catch((settleErr: unknown) =>
          log.warn({ err: settleErr, key: lease.key }, "could not release the notification claim"),
        );
      throw err;
    }

    const delivery: Delivery = { messageId: result.messageId, recipientDomain, sentNow: true };
    this.unrecorded.set(lease.key, delivery);
    log.info(
      { messageId: result.messageId, recipientDomain, ...(result.location ? { path: result.location } : {}) },
      result.duplicate ? "email was already in the outbox" : "email handed to the mail server",
    );
    try {
      const marked = await lease.settle({
        state: "sent",
        at: this.isoNow(),
        ...base,
        messageId: result.messageId,
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
    return delivery;
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }
}
