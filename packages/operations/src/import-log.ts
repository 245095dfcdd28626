import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { type AnyDomainEvent, parseEvent } from "@reimagine/contracts";
import type { EventStore } from "@reimagine/eventstore";
import { ImportMismatchError, InvalidArchiveError, StoreNotEmptyError } from "./archive-errors";

/** Where an import is: validating the archive, appending it, or checking the store against it. */
export interface ImportProgress {
  phase: "validate" | "append" | "check";
  done: number;
  /** Events in the archive; unknown (null) while it is still being validated. */
  total: number | null;
}

export interface ImportOptions {
  /** Where the validated archive is kept while it is imported (default: the system's temp dir). */
  tmpDir?: string;
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
}

export interface ImportResult {
  events: number;
  requests: number;
  /** Positions the archive occupies in the log now. */
  firstPosition: number;
  lastPosition: number;
}

/** How many missing events an ImportMismatchError names. */
const NAMED = 5;
/** How often (in events) progress is reported. */
const PROGRESS_EVERY = 1000;

/**
 * Reads an archive into an empty store, in order, keeping every event's id, time and metadata, in
 * three streaming passes with bounded memory:
 *  1. every line is validated (a bad one fails the import before anything is written) and the
 *     validated events are spooled to a temporary file, so stdin works like a file;
 *  2. the spool is appended in order, pipelined (`appendInOrder`);
 *  3. the store is read back and compared with the spool, position by position: anything missing
 *     or different is an ImportMismatchError naming it, also after a failed append.
 */
export async function importLog(
  store: EventStore,
  lines: AsyncIterable<string> | Iterable<string>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const head = await store.headPosition();
  if (head > 0) throw new StoreNotEmptyError(head);
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), "reimagine-import-"));
  const spool = join(dir, "archive.jsonl");
  try {
    const total = await validateInto(spool, lines, options);
    let appended: { events: number; requests: number } | null = null;
    let appendError: unknown = null;
    try {
      appended = await store.appendInOrder(spooled(spool), {
        afterPosition: head,
        signal: options.signal,
        onAppended: (done) => {
          if (done % PROGRESS_EVERY === 0 || done === total) {
            options.onProgress?.({ phase: "append", done, total });
          }
        },
      });
    } catch (err) {
      appendError = err;
    }
    // Checked after a failure too: the error then says exactly what did not make it.
    await checkStoreHolds(store, spool, head, total, appendError, options);
    if (appendError) throw appendError;
    return {
      events: total,
      requests: appended!.requests,
      firstPosition: head + 1,
      lastPosition: head + total,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pass 1: validates every line and writes `<line number> <event JSON>` to the spool; returns the count. */
async function validateInto(
  spool: string,
  lines: AsyncIterable<string> | Iterable<string>,
  options: ImportOptions,
): Promise<number> {
  const out = createWriteStream(spool, { encoding: "utf8" });
  let lineNo = 0;
  let count = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === "") continue;
      let event: AnyDomainEvent;
      try {
        event = parseEvent(JSON.parse(line));
      } catch (err) {
        throw new InvalidArchiveError(`line ${lineNo}: ${(err as Error).message}`, { cause: err });
      }
      count++;
      if (!out.write(`${lineNo} ${JSON.stringify(event)}\n`)) await once(out, "drain");
      if (count % PROGRESS_EVERY === 0) options.onProgress?.({ phase: "validate", done: count, total: null });
      options.signal?.throwIfAborted();
    }
  } finally {
    await close(out);
  }
  if (count > 0) options.onProgress?.({ phase: "validate", done: count, total: count });
  return count;
}

/** The spooled lines as [archive line number, event JSON]. */
async function* spooledLines(spool: string): AsyncGenerator<[number, string]> {
  for await (const line of readLines(createReadStream(spool, "utf8"))) {
    const space = line.indexOf(" ");
    yield [Number(line.slice(0, space)), line.slice(space + 1)];
  }
}

/** Pass 2's input: the validated events, parsed again (the store validates them on write once more). */
async function* spooled(spool: string): AsyncGenerator<AnyDomainEvent> {
  for await (const [, json] of spooledLines(spool)) yield JSON.parse(json) as AnyDomainEvent;
}

/**
 * Pass 3: the store must hold the spool's events at head+1 … head+total, in order. Events appended
 * after them (a live service reacting) are not the import's and are not looked at.
 */
async function checkStoreHolds(
  store: EventStore,
  spool: string,
  head: number,
  total: number,
  appendError: unknown,
  options: ImportOptions,
): Promise<void> {
  const archive = spooledLines(spool);
  const stored = store
    .readEventIds({ fromPosition: head + 1, signal: options.signal })
    [Symbol.asyncIterator]();
  const named: { id: string; line: number }[] = [];
  let matched = 0;
  let missingCount = 0;
  let divergence: string | null = null;
  try {
    for await (const [line, json] of archive) {
      const id = (JSON.parse(json) as { id: string }).id;
      if (divergence === null) {
        const next = await stored.next();
        if (!next.done && next.value.id === id) {
          matched++;
          if (matched % PROGRESS_EVERY === 0) options.onProgress?.({ phase: "check", done: matched, total });
          continue;
        }
        divergence = next.done
          ? `the log ends at position ${head + matched}`
          : `position ${head + matched + 1} holds event ${next.value.id} instead`;
      }
      // From the first difference on, everything left in the archive counts as missing.
      missingCount++;
      if (named.length < NAMED) named.push({ id, line });
    }
  } finally {
    await stored.return?.();
  }
  if (divergence === null) {
    options.onProgress?.({ phase: "check", done: matched, total });
    return;
  }
  const list = named.map((m) => `${m.id} (line ${m.line})`).join(", ");
  const why = appendError ? `the import failed (${(appendError as Error).message}); ` : "";
  throw new ImportMismatchError(
    `${why}the store holds ${matched} of the archive's ${total} events in order; ${divergence}; ` +
      `${missingCount} missing from there: ${list}${missingCount > NAMED ? ", …" : ""}`,
    named,
    missingCount,
    { cause: appendError ?? undefined },
  );
}

async function close(out: WriteStream): Promise<void> {
  if (out.closed) return;
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

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
