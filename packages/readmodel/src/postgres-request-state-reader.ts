import type { RequestState } from "@reimagine/contracts";
import type { Kysely } from "kysely";
import type { Database } from "./database";
import { findRequestRow } from "./request-repository";
import { toRequestState } from "./request-row";

/** Reads request states from the `requests` read model (what GET /api/v1/request/:id serves). */
export class PostgresRequestStateReader implements RequestStateReader {
  constructor(private readonly db: Kysely<Database>) {}

  /** The projected state, or null when the request is unknown or not projected yet. */
  async get(requestId: string): Promise<RequestState | null> {
    const row = await findRequestRow(this.db, requestId);
    return row ? toRequestState(row) : null;
  }
}

/** Reads the projected state of one request (the read model); null when it has not been projected. */
export interface RequestStateReader {
  get(requestId: string): Promise<RequestState | null>;
}
