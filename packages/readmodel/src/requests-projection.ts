import { evolveRequest, initialRequestState, type RequestState } from "@reimagine/contracts";
import type { Projection } from "./projection";
import { findRequestRows, REQUESTS_TABLE, upsertRequestRows } from "./request-repository";
import { toRequestRow, toRequestState } from "./request-row";

/**
 * The `requests` read model: one row per request, the shared fold (`evolveRequest`) of its
 * events. A batch costs one SELECT of the touched rows and one multi-row upsert.
 */
export const requestsProjection: Projection = {
  name: "requests",
  table: REQUESTS_TABLE,
  async apply(trx, table, events) {
    const ids = [...new Set(events.map((s) => s.event.requestId))];
    const rows = await findRequestRows(trx, ids, table);
    const current = new Map<string, { state: RequestState; position: number }>();
    const changed = new Set<string>();
    for (const { event, position } of events) {
      const id = event.requestId;
      let entry = current.get(id);
      if (!entry) {
        const row = rows.get(id);
        entry = row
          ? { state: toRequestState(row), position: row.last_position }
          : { state: initialRequestState(id), position: 0 };
        current.set(id, entry);
      }
      // The row already holds this event: a redelivery or an overlapping replay.
      if (position <= entry.position) continue;
      current.set(id, { state: evolveRequest(entry.state, event), position });
      changed.add(id);
    }
    const upserts = [...changed].map((id) => {
      const { state, position } = current.get(id)!;
      return toRequestRow(state, position);
    });
    await upsertRequestRows(trx, upserts, table);
  },
};

/** Every projection an operator can rebuild, by name (`reimagine replay --projection NAME`). */
export const projections = { requests: requestsProjection } as const satisfies Record<string, Projection>;
