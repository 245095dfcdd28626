import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

/**
 * The lines of a stream (LF or CRLF). The reader is created inside the generator, when iteration
 * starts, and consumed at once: a reader made earlier would let lines pass before anyone listens.
 */
export async function* readLines(input: Readable): AsyncGenerator<string> {
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of reader) yield line;
  } finally {
    reader.close();
  }
}
