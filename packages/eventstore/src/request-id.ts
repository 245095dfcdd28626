import { RequestId } from "@reimagine/contracts";

/** Raised for a request id that is not a UUID (it becomes a NATS subject token, so this matters). */
export class InvalidRequestIdError extends Error {
  override readonly name = "InvalidRequestIdError";
  readonly code = "INVALID_REQUEST_ID";
}

/** Throws unless the id is a UUID; guards every subject built from a request id. */
export function assertRequestId(requestId: string): void {
  if (!RequestId.safeParse(requestId).success) {
    throw new InvalidRequestIdError(`not a request id: ${JSON.stringify(requestId).slice(0, 80)}`);
  }
}
