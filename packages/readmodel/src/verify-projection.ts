import { isDeepStrictEqual } from "node:util";
import { evolveRequest, initialRequestState, type RequestState } from "@reimagine/contracts";
import type { EventStore } from "@reimagine/eventstore";
import type { Kysely } from "kysely";
import type { Database } from "./database";
import { readProjectionPosition } from "./projection-position";
import { listRequestRows, REQUESTS_TABLE } from "./request-repository";
import { toRequestState } from "./request-row";
import { requestsProjection } from "./requests-projection";
import type { RequestRow } from "./requests-table";

/** One way a row differs from the fold of its events. `field` is "row" when a whole row is missing or extra. */
export interface ProjectionDifference {
  requestId: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface VerifyReport {
  /** The projection position compared at: events after it are not expected in the rows yet. */
  position: number;
  /** Requests compared (with events, a row, or both). */
  checked: number;
  differences: ProjectionDifference[];
  /** Requests with events up to `position` but no row. */
  missingRows: string[];
  /** Rows without any event. */
  unexpectedRows: string[];
}

const PAGE = 1000;
const TIMESTAMPS = new Set<keyof RequestState>(["createdAt", "updatedAt", "imagesExpiredAt", "erasedAt"]);

/**
 * Compares every row of the requests read model with the fold of its events. Rows and the
 * position are read in one snapshot; the log is then folded (one pass) up to that position, so
 * a live projector moving on meanwhile reports nothing.
 */
export async function verifyProjection(options: {
  db: Kysely<Database>;
  store: Pick<EventStore, "readAll">;
}): Promise<VerifyReport> {
  const { position, rows } = await options.db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => ({
      position: await readProjectionPosition(trx, requestsProjection.name),
      rows: await readAllRows(trx),
    }));

  const folded = new Map<string, { state: RequestState; lastPosition: number }>();
  if (position > 0) {
    for await (const { event, position: at } of options.store.readAll()) {
      if (at > position) break;
      const entry = folded.get(event.requestId);
      const state = entry?.state ?? initialRequestState(event.requestId);
      folded.set(event.requestId, { state: evolveRequest(state, event), lastPosition: at });
    }
  }

  const differences: ProjectionDifference[] = [];
  const missingRows: string[] = [];
  const unexpectedRows: string[] = [];
  for (const [requestId, { state, lastPosition }] of folded) {
    const row = rows.get(requestId);
    if (!row) {
      missingRows.push(requestId);
      differences.push({ requestId, field: "row", expected: "a row", actual: null });
      continue;
    }
    differences.push(...compare(requestId, state, lastPosition, row));
  }
  for (const requestId of rows.keys()) {
    if (folded.has(requestId)) continue;
    unexpectedRows.push(requestId);
    differences.push({ requestId, field: "row", expected: null, actual: "a row without events" });
  }
  return { position, checked: folded.size + unexpectedRows.length, differences, missingRows, unexpectedRows };
}

async function readAllRows(trx: Kysely<Database>): Promise<Map<string, RequestRow>> {
  const rows = new Map<string, RequestRow>();
  let after: string | undefined;
  for (;;) {
    const page = await listRequestRows(trx, { after, limit: PAGE, table: REQUESTS_TABLE });
    for (const row of page) rows.set(row.request_id, row);
    if (page.length < PAGE) return rows;
    after = page[page.length - 1]!.request_id;
  }
}

function compare(
  requestId: string,
  expected: RequestState,
  lastPosition: number,
  row: RequestRow,
): ProjectionDifference[] {
  const actual = toRequestState(row);
  const differences: ProjectionDifference[] = [];
  for (const field of Object.keys(expected) as (keyof RequestState)[]) {
    const e = expected[field];
    const a = actual[field];
    // The row stores instants; the event may have spelt the same instant with another offset.
    const same = TIMESTAMPS.has(field)
      ? sameInstant(e as string | null, a as string | null)
      : isDeepStrictEqual(e, a);
    if (!same) differences.push({ requestId, field, expected: e, actual: a });
  }
  if (row.last_position !== lastPosition) {
    differences.push({ requestId, field: "lastPosition", expected: lastPosition, actual: row.last_position });
  }
  return differences;
}

function sameInstant(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return Date.parse(a) === Date.parse(b);
}
