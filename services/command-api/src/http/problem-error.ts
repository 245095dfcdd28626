import type { ProblemType } from "./problem-types";

/** An error that already knows its HTTP problem: the type, a detail safe to show, extra headers. */
export class ProblemError extends Error {
  override readonly name = "ProblemError";
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ProblemType,
    detail: string,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(detail, { cause: options.cause });
    this.headers = options.headers ?? {};
  }
}
