import type { Kysely } from "kysely";

// Frozen in time, like 0001: no application code, Kysely<any>.

/**
 * Adds what the status shows of who made the image (`generation_model`; the caption's model and
 * provider and the image's provider have columns since 0001) and where telling the person of a
 * failure stands (`failure_notice`: due, sent, failed or null).
 */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, independent of the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("requests")
    .addColumn("generation_model", "text")
    .addColumn("failure_notice", "text")
    .execute();
}

/** Drops both columns. */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, independent of the current Database type
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("requests")
    .dropColumn("failure_notice")
    .dropColumn("generation_model")
    .execute();
}
