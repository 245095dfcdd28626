/** The read-model database could not be opened or reached. */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
  readonly code = "DATABASE_UNAVAILABLE";
}

/** A schema migration failed; the database is left at the last migration that succeeded. */
export class MigrationError extends Error {
  override readonly name = "MigrationError";
  readonly code = "MIGRATION_FAILED";
}
