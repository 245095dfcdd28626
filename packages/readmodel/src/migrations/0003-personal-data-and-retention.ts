import { type Kysely, sql } from "kysely";

// Frozen in time, like every migration: no application code, Kysely<any>.

/**
 * Requests refer to the person through `contact` (sealed data, or the masked form of an old
 * clear-text address) instead of the address itself, which is dropped here; `erased_at` and
 * `images_expired_at` record erasure and retention. The partial index serves the retention sweep:
 * it holds only the requests whose images may still have to go.
 */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, independent of the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("requests")
    .addColumn("contact", "jsonb")
    .addColumn("images_expired_at", "timestamptz")
    .addColumn("erased_at", "timestamptz")
    .execute();
  // maskEmail of the time: first character, "***", then everything from the last "@".
  await sql`
    update requests set contact = jsonb_build_object('masked',
      case when email ~ '^.+@' then left(email, 1) || '***' || substring(email from '(@[^@]*)$') else '***' end)
    where email is not null
  `.execute(db);
  await db.schema.alterTable("requests").dropColumn("email").execute();
  await db.schema
    .createIndex("requests_created_at_idx")
    .on("requests")
    .column("created_at")
    .where(sql.ref("images_expired_at"), "is", null)
    .where(sql.ref("erased_at"), "is", null)
    .execute();
}

/** Puts the address column back (empty: the addresses are gone) and drops what `up` added. */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, independent of the current Database type
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("requests_created_at_idx").execute();
  await db.schema
    .alterTable("requests")
    .addColumn("email", "text")
    .dropColumn("contact")
    .dropColumn("images_expired_at")
    .dropColumn("erased_at")
    .execute();
}
