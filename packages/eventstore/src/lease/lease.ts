import type { Logger } from "@reimagine/platform";
import type { LeaseRecord, LeaseStore } from "./lease-record";

/** The outcome a lease is settled with. */
export type LeaseOutcome<D> = { state: "done"; data: D } | { state: "failed"; data: D; reason: string };

/**
 * A `held` lease record this instance wrote. While held it is renewed (compare-and-set) every third
 * of the lease, so slow but live work is never mistaken for a dead holder; `settle` ends it with the
 * outcome. If another instance took the key over meanwhile, the lease is lost and says so.
 */
export class Lease<D> {
  private timer: NodeJS.Timeout | null;
  private renewal: Promise<void> = Promise.resolve();
  private wasLost = false;

  constructor(
    private readonly store: LeaseStore<D>,
    readonly key: string,
    private record: LeaseRecord<D> & { state: "held" },
    private revision: number,
    leaseMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(
      () => {
        this.renewal = this.renewal.then(() => this.renew());
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    this.timer.unref();
  }

  /** The data the held record carries. */
  get data(): D {
    return this.record.data;
  }

  /** True when another instance took the key over (this one stopped renewing in time). */
  get lost(): boolean {
    return this.wasLost;
  }

  /**
   * Stops renewing and replaces the record with the outcome. False when the lease was lost to
   * another instance (the outcome is then theirs to record); throws when the store is unreachable.
   */
  async settle(outcome: LeaseOutcome<D>): Promise<boolean> {
    this.stopRenewing();
    await this.renewal;
    if (this.lost) return false;
    const { owner } = this.record;
    const revision = await this.store.update(
      this.key,
      { ...outcome, owner, at: this.isoNow() },
      this.revision,
    );
    if (revision === null) {
      this.markLost();
      return false;
    }
    this.revision = revision;
    return true;
  }

  private async renew(): Promise<void> {
    if (!this.timer || this.lost) return;
    const renewed = { ...this.record, at: this.isoNow() };
    try {
      const revision = await this.store.update(this.key, renewed, this.revision);
      if (revision === null) return this.markLost();
      this.record = renewed;
      this.revision = revision;
    } catch (err) {
      // the next tick tries again; a lease that cannot be renewed for a whole lease period expires
      this.logger.warn({ err, key: this.key }, "could not renew a lease");
    }
  }

  private stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private markLost(): void {
    this.stopRenewing();
    this.wasLost = true;
    this.logger.error(
      { key: this.key },
      "lease lost: another instance took the key over while this one worked",
    );
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }
}
