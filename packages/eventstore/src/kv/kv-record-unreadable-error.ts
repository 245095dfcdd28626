/** A stored record that is not valid JSON or fails its schema: nobody can tell what it meant. */
export class KvRecordUnreadableError extends Error {
  override readonly name = "KvRecordUnreadableError";
  readonly code = "KV_RECORD_UNREADABLE";

  constructor(
    readonly key: string,
    store: string,
    options?: { cause?: unknown },
  ) {
    super(`record ${key} in ${store} is unreadable`, options);
  }
}
