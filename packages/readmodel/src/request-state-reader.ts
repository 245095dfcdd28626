import type { RequestState } from "@reimagine/contracts";

/** Reads the projected state of one request (the read model); null when it has not been projected. */
export interface RequestStateReader {
  get(requestId: string): Promise<RequestState | null>;
}
