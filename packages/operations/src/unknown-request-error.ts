/** No event exists for this request id. */
export class UnknownRequestError extends Error {
  override readonly name = "UnknownRequestError";
  readonly code = "UNKNOWN_REQUEST";
  constructor(readonly requestId: string) {
    super(`no request with id ${requestId}`);
  }
}
