import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "@reimagine/platform";
import { decideLease } from "./decide-lease";
import { Lease } from "./lease";
import type { LeaseRecord, LeaseStore } from "./lease-record";

export interface AcquireOptions<D> {
  /** This instance's owner id in lease records; unique per process. */
  owner: string;
  /** How long a `held` record stays valid without a renewal; renewed every third of it. */
  leaseMs: number;
  /**
   * The data the held record carries. `previous` is what a failed or silent holder left under the
   * key, so an attempt that takes over can keep its identity (the same request id, Message-ID).
   */
  data(previous: LeaseRecord<D> | null): D;
  /** Sees every record found under the key before anything is decided; throws to refuse (e.g. another body). */
  inspect?(record: LeaseRecord<D>): void;
  logger: Logger;
  now?: () => number;
  /** Lost races decided again before giving up as `contended` (default 3). */
  rounds?: number;
}

/** What acquiring a key came to. */
export type Acquired<D> =
  /** This instance holds the key now; `takeover` when it took it from a holder gone silent. */
  | {
      kind: "acquired";
      lease: Lease<D>;
      previous: LeaseRecord<D> | null;
      takeover: { silentForMs: number } | null;
    }
  /** The work was done before: its record. */
  | { kind: "done"; record: LeaseRecord<D> }
  /** A live holder has it; try again after `retryAfterMs`, or wait for the record to move past `revision`. */
  | { kind: "held"; record: LeaseRecord<D>; revision: number; retryAfterMs: number }
  /** Every round lost a race to another instance. */
  | { kind: "contended" };

/**
 * The lease protocol's one way in: read the key, decide (decideLease), and create or replace the
 * record by compare-and-set, so of instances racing for a key exactly one holds it. A lost race is
 * decided again with what the winner wrote.
 */
export async function acquireLease<D>(
  store: LeaseStore<D>,
  key: string,
  options: AcquireOptions<D>,
): Promise<Acquired<D>> {
  const { owner, leaseMs, logger } = options;
  const now = options.now ?? Date.now;
  for (let round = 0; round < (options.rounds ?? 3); round++) {
    const entry = await store.get(key);
    if (entry) options.inspect?.(entry.value);
    const decision = decideLease({ entry, nowMs: now(), leaseMs, self: owner });
    if (decision.kind === "done") return decision;
    if (decision.kind === "wait") {
      const { record, revision, retryAfterMs } = decision;
      return { kind: "held", record, revision, retryAfterMs };
    }
    const previous = decision.kind === "acquire" ? null : decision.previous;
    const held: LeaseRecord<D> & { state: "held" } = {
      state: "held",
      owner,
      at: new Date(now()).toISOString(),
      data: options.data(previous),
      takeover: decision.kind === "takeover",
    };
    const revision =
      decision.kind === "acquire"
        ? await store.create(key, held)
        : await store.update(key, held, decision.revision);
    if (revision === null) {
      logger.debug({ key }, "another instance changed the lease first: deciding again");
      continue;
    }
    const lease = new Lease(store, key, held, revision, leaseMs, logger, now);
    const takeover = decision.kind === "takeover" ? { silentForMs: decision.silentForMs } : null;
    return { kind: "acquired", lease, previous, takeover };
  }
  return { kind: "contended" };
}

/** An owner id for lease records: unique per process and start (host/pid/random). */
export function leaseOwnerId(): string {
  return `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
}
