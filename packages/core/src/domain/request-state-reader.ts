import type { RequestState } from "./request-state";

/** Reads the projected state of one request (the read model); null when it has not been projected. */
export interface RequestStateReader {
  get(requestId: string): Promise<RequestState | null>;
}
