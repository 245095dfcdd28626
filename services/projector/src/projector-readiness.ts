import type { JetStreamEventStore } from "@reimagine/eventstore";
import type { ReadinessCheck, ReadinessDetails } from "@reimagine/platform";
import { type Database, pingDatabase } from "@reimagine/readmodel";
import type { Kysely } from "kysely";
import type { Projector } from "./projector";

/**
 * What /readyz of the projector checks: Postgres answers, NATS answers, and the projector is
 * not stalled (stuck on a batch, or behind without progress); the body also carries its position,
 * the head, the lag and how long it has stalled.
 */
export function projectorReadiness(deps: {
  db: Kysely<Database>;
  store: JetStreamEventStore;
  projector: Projector;
}): { checks: Record<string, ReadinessCheck>; details: ReadinessDetails } {
  const { db, store, projector } = deps;
  return {
    checks: {
      postgres: () => pingDatabase(db),
      nats: async () => {
        if (store.nc.isClosed()) throw new Error("connection closed");
        await store.headPosition();
      },
      projection: async () => {
        const reason = projector.stalled();
        if (reason) throw new Error(reason);
      },
    },
    async details() {
      const position = projector.position();
      const lag = await projector.lag().catch(() => null);
      return {
        projection: {
          name: projector.name,
          position,
          head: lag === null ? null : position + lag,
          lag,
          stalledSeconds: Math.round(projector.stalledSeconds()),
        },
      };
    },
  };
}
