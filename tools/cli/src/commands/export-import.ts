import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { exportLog, importLog } from "@reimagine/operations";
import type { CliContext } from "../cli-context";
import { parseSince } from "../parse-since";

/** `reimagine export [--since] > log.jsonl`: the log as JSON lines, for audit and archive. */
export async function exportCommand(
  ctx: CliContext,
  options: { since?: string },
  write: (chunk: string) => Promise<void>,
): Promise<void> {
  const since = options.since ? parseSince(options.since) : undefined;
  const count = await exportLog(await ctx.store(), (line) => write(`${line}\n`), { since });
  ctx.err(`exported ${count} event(s)`);
}

/** `reimagine import [file]` (default stdin): an archive into an empty store. */
export async function importCommand(
  ctx: CliContext,
  file: string | undefined,
  stdin: Readable,
): Promise<void> {
  const input = file && file !== "-" ? createReadStream(file, "utf8") : stdin;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let last = 0;
  const result = await importLog(await ctx.store(), lines, (done, total) => {
    if (done - last >= 1000 || done === total) {
      ctx.err(`imported ${done}/${total}`);
      last = done;
    }
  });
  ctx.out(`imported ${result.events} event(s) of ${result.requests} request(s)`);
}
