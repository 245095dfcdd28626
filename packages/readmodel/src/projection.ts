import type { StoredEvent } from "@reimagine/eventstore";
import type { Kysely } from "kysely";
import type { Database } from "./database";

/**
 * A projection as plain data: what it is called (the key of its position), the live table it
 * maintains, and how a batch of events changes a table of that shape. The table is a parameter
 * because a rebuild writes into a fresh copy before swapping it in.
 */
export interface Projection {
  readonly name: string;
  readonly table: string;
  /**
   * Applies events, given in log order, to `table` inside the caller's transaction. Must be
   * idempotent: an event it has already applied changes nothing.
   */
  apply(trx: Kysely<Database>, table: string, events: StoredEvent[]): Promise<void>;
}
