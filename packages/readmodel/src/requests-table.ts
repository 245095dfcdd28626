import type { ContactRef, FailureNoticeState, RequestState, RequestStatusName } from "@reimagine/contracts";
import type { ColumnType, Insertable, Selectable } from "kysely";

/** A jsonb column: written as a JSON string (pg would turn a JS array into a Postgres array), read parsed. */
type Json<T> = ColumnType<T, string, string>;
/** A timestamptz column: read as a Date, written as an ISO string. */
type Timestamp = ColumnType<Date, string, string>;
type NullableTimestamp = ColumnType<Date | null, string | null, string | null>;

/** The `requests` table: one row per request, the fold of its events (see RequestState). */
export interface RequestsTable {
  request_id: string;
  submitted: boolean;
  status: RequestStatusName;
  /** Sealed data or a masked address: never an address in clear text. */
  contact: Json<ContactRef | null>;
  original_key: string | null;
  original_content_type: string | null;
  caption: string | null;
  caption_provider: string | null;
  caption_model: string | null;
  generated_image_key: string | null;
  generated_content_type: string | null;
  generation_provider: string | null;
  generation_model: string | null;
  notification_message_id: string | null;
  error: Json<RequestState["error"]>;
  failure_notice: FailureNoticeState | null;
  retries: Json<RequestState["retries"]>;
  history: Json<RequestState["history"]>;
  images_expired_at: NullableTimestamp;
  erased_at: NullableTimestamp;
  created_at: NullableTimestamp;
  updated_at: Timestamp;
  /** Position of the last event folded into this row: makes re-applying an event a no-op. */
  last_position: number;
}

export type RequestRow = Selectable<RequestsTable>;
export type NewRequestRow = Insertable<RequestsTable>;
