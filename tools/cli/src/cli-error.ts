/** An error the CLI reports as one line with a chosen exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly code = "CLI_ERROR";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** One line for any error: the message, plus the cause's message when it says more. */
export function oneLine(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause =
    err.cause instanceof Error && err.cause.message !== err.message ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`.replace(/\s*\n\s*/g, " ");
}
