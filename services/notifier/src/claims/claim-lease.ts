import type { Logger } from "@reimagine/platform";
import type { ClaimStore } from "./claim-store";
import type { NotificationClaim } from "./notification-claim";

/**
 * A `sending` claim this instance holds. While held it is renewed (compare-and-set) every third of
 * the lease, so a slow but live send is never mistaken for a dead one; `settle` ends it with the
 * outcome. If another instance took the claim over meanwhile, the lease is lost and says so.
 */
export class ClaimLease {
  private timer: NodeJS.Timeout | null;
  private renewal: Promise<void> = Promise.resolve();
  private wasLost = false;

  constructor(
    private readonly claims: ClaimStore,
    readonly key: string,
    private claim: NotificationClaim & { state: "sending" },
    private revision: number,
    leaseMs: number,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(
      () => {
        this.renewal = this.renewal.then(() => this.renew());
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    this.timer.unref();
  }

  /** True when another instance took the claim over (this one stopped renewing in time). */
  get lost(): boolean {
    return this.wasLost;
  }

  /**
   * Stops renewing and replaces the claim with the outcome. False when the claim was lost to
   * another instance (the outcome is then theirs to record); throws when the store is unreachable.
   */
  async settle(outcome: NotificationClaim): Promise<boolean> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.renewal;
    if (this.lost) return false;
    const revision = await this.claims.update(this.key, outcome, this.revision);
    if (revision === null) {
      this.markLost();
      return false;
    }
    this.revision = revision;
    return true;
  }

  private async renew(): Promise<void> {
    if (!this.timer || this.lost) return;
    const renewed = { ...this.claim, at: new Date().toISOString() };
    try {
      const revision = await this.claims.update(this.key, renewed, this.revision);
      if (revision === null) return this.markLost();
      this.claim = renewed;
      this.revision = revision;
    } catch (err) {
      // the next tick tries again; a lease that cannot be renewed for a whole lease period expires
      this.logger.warn({ err, key: this.key }, "could not renew the notification claim");
    }
  }

  private markLost(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.wasLost = true;
    this.logger.error(
      { key: this.key },
      "notification claim lost: another instance took it over while this one was still sending",
    );
  }
}
