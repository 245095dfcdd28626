import { constants, createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { exportLog, importLog, readLines } from "@reimagine/operations";
import type { CliContext } from "../cli-context";
import { CliError } from "../cli-error";
import { parseSince } from "../parse-since";

/** `reimagine export [--since] > log.jsonl`: the log as JSON lines, for audit and archive. */
export async function exportCommand(ctx: CliContext, options: { since?: string }): Promise<void> {
  const since = options.since ? parseSince(options.since) : undefined;
  const count = await exportLog(await ctx.store(), (line) => ctx.write(`${line}\n`), { since });
  ctx.err(`exported ${count} event(s)`);
}

/**
 * `reimagine import [file]` (default stdin): an archive into an empty store. Every line is validated
 * before anything is written; at the end the store is checked to hold exactly the archive's events
 * (an ImportMismatchError names what is missing, and the exit is 1).
 */
export async function importCommand(ctx: CliContext, file: string | undefined): Promise<void> {
  const fromFile = file !== undefined && file !== "-";
  if (fromFile) {
    await access(file, constants.R_OK).catch((err: NodeJS.ErrnoException) => {
      throw new CliError(`cannot read ${file}: ${err.code ?? err.message}`, 2);
    });
  }
  const input = fromFile ? createReadStream(file, "utf8") : ctx.stdin;
  const store = await ctx.store({ create: true });
  const result = await importLog(store, readLines(input), {
    onProgress: ({ phase, done, total }) =>
      ctx.err(`${PHASES[phase]} ${done}${total === null ? "" : `/${total}`}`),
  });
  ctx.out(
    `imported ${result.events} event(s) of ${result.requests} request(s) at positions ${result.firstPosition}..${result.lastPosition}; the log holds exactly the archive`,
  );
}

const PHASES = { validate: "validated", append: "appended", check: "checked" } as const;
