import type { RequestState } from "@reimagine/contracts";
import type { Kysely } from "kysely";
import type { Database } from "./database";
import { toRequestState } from "./request-row";
import type { NewRequestRow, RequestRow } from "./requests-table";

/** The live requests table; a rebuild writes the same shape under another name. */
export const REQUESTS_TABLE = "requests";

// Kysely types queries by table name; a rebuild table has the same columns under another name,
// so the name is cast to the live one for typing only.
const tableOf = (table: string) => table as typeof REQUESTS_TABLE;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One request's row, or undefined. An id that is not a UUID has no row (and no query). */
export async function findRequestRow(
  db: Kysely<Database>,
  requestId: string,
  table: string = REQUESTS_TABLE,
): Promise<RequestRow | undefined> {
  if (!UUID.test(requestId)) return undefined;
  return db.selectFrom(tableOf(table)).selectAll().where("request_id", "=", requestId).executeTakeFirst();
}

/** The rows of these requests, by id (missing ids are absent). */
export async function findRequestRows(
  db: Kysely<Database>,
  requestIds: string[],
  table: string = REQUESTS_TABLE,
): Promise<Map<string, RequestRow>> {
  if (requestIds.length === 0) return new Map();
  const rows = await db
    .selectFrom(tableOf(table))
    .selectAll()
    .where("request_id", "in", requestIds)
    .execute();
  return new Map(rows.map((r) => [r.request_id, r]));
}

/** Inserts or replaces whole rows, one statement; each request at most once in `rows`. */
export async function upsertRequestRows(
  db: Kysely<Database>,
  rows: NewRequestRow[],
  table: string = REQUESTS_TABLE,
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto(tableOf(table))
    .values(rows)
    .onConflict((oc) =>
      oc.column("request_id").doUpdateSet((eb) => ({
        submitted: eb.ref("excluded.submitted"),
        status: eb.ref("excluded.status"),
        contact: eb.ref("excluded.contact"),
        original_key: eb.ref("excluded.original_key"),
        original_content_type: eb.ref("excluded.original_content_type"),
        caption: eb.ref("excluded.caption"),
        caption_provider: eb.ref("excluded.caption_provider"),
        caption_model: eb.ref("excluded.caption_model"),
        generated_image_key: eb.ref("excluded.generated_image_key"),
        generated_content_type: eb.ref("excluded.generated_content_type"),
        generation_provider: eb.ref("excluded.generation_provider"),
        generation_model: eb.ref("excluded.generation_model"),
        notification_message_id: eb.ref("excluded.notification_message_id"),
        error: eb.ref("excluded.error"),
        failure_notice: eb.ref("excluded.failure_notice"),
        retries: eb.ref("excluded.retries"),
        images_expired_at: eb.ref("excluded.images_expired_at"),
        erased_at: eb.ref("excluded.erased_at"),
        history: eb.ref("excluded.history"),
        created_at: eb.ref("excluded.created_at"),
        updated_at: eb.ref("excluded.updated_at"),
        last_position: eb.ref("excluded.last_position"),
      })),
    )
    .execute();
}

/** A page of rows in request-id order, after `after` (keyset pagination for full scans). */
export async function listRequestRows(
  db: Kysely<Database>,
  options: { after?: string; limit: number; table?: string },
): Promise<RequestRow[]> {
  let query = db.selectFrom(tableOf(options.table ?? REQUESTS_TABLE)).selectAll();
  if (options.after) query = query.where("request_id", ">", options.after);
  return query.orderBy("request_id").limit(options.limit).execute();
}

/** How many rows a requests table has. */
export async function countRequests(db: Kysely<Database>, table: string = REQUESTS_TABLE): Promise<number> {
  const { n } = await db
    .selectFrom(tableOf(table))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/**
 * Requests whose status is `failed`, oldest change first: what `retry --failed` works through.
 * `since` keeps those that changed at or after that moment.
 */
export async function listFailedRequests(
  db: Kysely<Database>,
  options: { since?: Date; limit?: number } = {},
): Promise<RequestState[]> {
  let query = db.selectFrom(REQUESTS_TABLE).selectAll().where("status", "=", "failed");
  if (options.since) query = query.where("updated_at", ">=", options.since);
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query.orderBy("updated_at").orderBy("request_id").execute();
  return rows.map(toRequestState);
}

/**
 * Requests submitted before `createdBefore` whose images are neither expired nor erased, in
 * request-id order after `after`: the retention sweep's candidates (the log has the last word).
 */
export async function listRequestsToExpire(
  db: Kysely<Database>,
  options: { createdBefore: Date; after?: string; limit: number },
): Promise<string[]> {
  let query = db
    .selectFrom(REQUESTS_TABLE)
    .select("request_id")
    .where("created_at", "<", options.createdBefore)
    .where("images_expired_at", "is", null)
    .where("erased_at", "is", null);
  if (options.after) query = query.where("request_id", ">", options.after);
  const rows = await query.orderBy("request_id").limit(options.limit).execute();
  return rows.map((r) => r.request_id);
}
