/** The email field is not an address we accept; the message says why and is safe to show. */
export class InvalidEmailError extends Error {
  override readonly name = "InvalidEmailError";
  readonly code = "INVALID_EMAIL";
}
