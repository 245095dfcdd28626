import type { BlobStore } from "@reimagine/blobs";
import {
  acquireLease,
  type JetStreamEventStore,
  type LeaseStore,
  leaseOwnerId,
  openLeaseStore,
} from "@reimagine/eventstore";
import { type RequestBuckets, type SweepResult, sweepExpiredImages } from "@reimagine/operations";
import type { Logger } from "@reimagine/platform";
import { type Database, listRequestsToExpire } from "@reimagine/readmodel";
import type { Kysely } from "kysely";
import * as z from "zod";

/** The leases bucket of a stream's periodic jobs: `<stream>_leases`. */
export const leaseBucketName = (stream: string): string => `${stream}_leases`;

/** What a sweep's lease record carries: the retention it applied and, once done, what it did. */
const SweepData = z.object({
  retentionDays: z.number().int().positive(),
  expired: z.number().int().nonnegative().optional(),
  removed: z.number().int().nonnegative().optional(),
});
type SweepData = z.infer<typeof SweepData>;

/** The key of the sweep of the period (of `intervalMs`) that `now` falls in. */
export const sweepKey = (now: Date, intervalMs: number): string =>
  `retention-sweep.${Math.floor(now.getTime() / intervalMs)}`;

export interface RetentionSweeperDeps {
  store: JetStreamEventStore;
  db: Kysely<Database>;
  blobs: BlobStore;
  buckets: RequestBuckets;
  retentionDays: number;
  /** How often a sweep runs: one sweep per period of this length, whichever instance does it. */
  intervalMs: number;
  replicas: number;
  logger: Logger;
  /** This instance's name on the lease (default: host/pid/random). */
  owner?: string;
}

/** One sweeper instance. */
export interface RetentionSweeper {
  /**
   * The sweep of the period `now` falls in, unless another instance has it or it is done: then
   * null. `signal` ends the sweep after the page in hand (shutdown).
   */
  sweepNow(now?: Date, signal?: AbortSignal): Promise<SweepResult | null>;
}

/** A sweeper sweeping every `intervalMs` until stopped. */
export interface RunningRetentionSweeper extends RetentionSweeper {
  readonly name: string;
  stop(): Promise<void>;
}

/**
 * A sweeper instance. Each period of `intervalMs` has one sweep, keyed `retention-sweep.<period>`
 * in the lease store (NATS KV `<stream>_leases`): the lease protocol lets exactly one instance hold
 * it (renewed while it works; taken over if its holder dies) and marks it done, so the others skip
 * that period. The sweep removes the images of requests submitted more than `retentionDays` ago and
 * records ImagesExpired for each; the per-request append with the version read keeps even a sweep
 * that was taken over from recording anything twice.
 */
export async function createRetentionSweeper(deps: RetentionSweeperDeps): Promise<RetentionSweeper> {
  const leases: LeaseStore<SweepData> = await openLeaseStore(deps.store.js, {
    bucket: leaseBucketName(deps.store.layout.stream),
    data: SweepData,
    // a period's record matters only while that period lasts
    ttlMs: Math.max(7 * 24 * 3600 * 1000, 2 * deps.intervalMs),
    replicas: deps.replicas,
    description: "reimagine: leases of periodic jobs one instance at a time runs (the retention sweep)",
  });
  const owner = deps.owner ?? leaseOwnerId();
  const log = deps.logger.child({ component: "retention-sweep", owner });
  const { retentionDays } = deps;

  return {
    async sweepNow(now = new Date(), signal) {
      const key = sweepKey(now, deps.intervalMs);
      const acquired = await acquireLease(leases, key, {
        owner,
        leaseMs: Math.min(deps.intervalMs, 10 * 60_000),
        data: () => ({ retentionDays }),
        logger: log,
      });
      if (acquired.kind !== "acquired") {
        log.debug({ key, outcome: acquired.kind }, "this period's sweep is done or another instance's");
        return null;
      }
      const { lease } = acquired;
      try {
        const result = await sweepExpiredImages(deps, {
          retentionDays,
          now,
          candidates: (createdBefore, after, limit) =>
            listRequestsToExpire(deps.db, { createdBefore, after, limit }),
          keepGoing: async () => !signal?.aborted && !lease.lost,
          logger: log,
        });
        const data = { retentionDays, expired: result.expired, removed: result.removed };
        await lease.settle(
          result.complete
            ? { state: "done", data }
            : { state: "failed", data, reason: "stopped before the end" },
        );
        log.info({ key, ...result, retentionDays }, "retention sweep done");
        return result;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        await lease.settle({ state: "failed", data: { retentionDays }, reason }).catch(() => undefined);
        throw err;
      }
    },
  };
}

/**
 * The retention sweep, run by the projector process (it owns the read model, whose partial index
 * names the candidates): a sweep now and then every `intervalMs`, each a no-op on the instances
 * that find the period's sweep taken. A timer is right here: expiry is a matter of the clock, not
 * of an event.
 */
export async function startRetentionSweeper(deps: RetentionSweeperDeps): Promise<RunningRetentionSweeper> {
  const sweeper = await createRetentionSweeper(deps);
  const log = deps.logger.child({ component: "retention-sweep" });
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stopping = new AbortController();
  const tick = () => {
    running = sweeper
      .sweepNow(new Date(), stopping.signal)
      .catch((err: unknown) => log.warn({ err }, "retention sweep failed; the next one tries again"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, deps.intervalMs);
      });
  };
  tick();
  log.info({ retentionDays: deps.retentionDays, intervalMs: deps.intervalMs }, "retention sweeper started");
  return {
    name: "retention sweeper",
    sweepNow: (now, signal) => sweeper.sweepNow(now, signal),
    async stop() {
      stopped = true;
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
