import { type Kysely, sql } from "kysely";

// Frozen in time: this file must keep describing the schema as it was when it was written, so it
// imports no application code and uses Kysely<any>. Change the schema with a new migration.
// Index names follow Postgres' own `<table>_<column>_idx` rule, the names `CREATE TABLE … (LIKE …
// INCLUDING ALL)` gives copies, so a rebuilt table's indexes can be renamed back to these.

/** Creates `requests` (one row per request) and `projection_positions`. */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, independent of the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("requests")
    .addColumn("request_id", "uuid", (c) => c.primaryKey())
    .addColumn("submitted", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("email", "text")
    .addColumn("original_key", "text")
    .addColumn("original_content_type", "text")
    .addColumn("caption", "text")
    .addColumn("caption_provider", "text")
    .addColumn("caption_model", "text")
    .addColumn("generated_image_key", "text")
    .addColumn("generated_content_type", "text")
    .addColumn("generation_provider", "text")
    .addColumn("notification_message_id", "text")
    .addColumn("error", "jsonb")
    .addColumn("retries", "jsonb", (c) => c.notNull())
    .addColumn("history", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_position", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("requests_status_idx").on("requests").column("status").execute();
  await db.schema.createIndex("requests_updated_at_idx").on("requests").column("updated_at").execute();

  await db.schema
    .createTable("projection_positions")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("position", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

/** Drops both tables. */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, independent of the current Database type
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("projection_positions").execute();
  await db.schema.dropTable("requests").execute();
}
