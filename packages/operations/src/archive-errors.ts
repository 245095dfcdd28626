/** Import refuses to mix an archive into a log that already has events. */
export class StoreNotEmptyError extends Error {
  override readonly name = "StoreNotEmptyError";
  readonly code = "STORE_NOT_EMPTY";
  constructor(readonly head: number) {
    super(`the event store already holds ${head} events; import only into an empty store`);
  }
}

/** A line of the archive that is not a valid event; nothing was imported. */
export class InvalidArchiveError extends Error {
  override readonly name = "InvalidArchiveError";
  readonly code = "INVALID_ARCHIVE";
}

/** What the store holds differs from the archive after an import: the message says what is missing. */
export class ImportMismatchError extends Error {
  override readonly name = "ImportMismatchError";
  readonly code = "IMPORT_MISMATCH";
  constructor(
    message: string,
    /** Archive events not in the store at their position: the first few, with their archive line. */
    readonly missing: { id: string; line: number }[],
    /** How many archive events are not in the store where they belong. */
    readonly missingCount: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
