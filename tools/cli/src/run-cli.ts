import { InvalidRequestIdError, UnknownStreamError } from "@reimagine/eventstore";
import { ConfigError } from "@reimagine/platform";
import { Command, CommanderError } from "commander";
import cliPackage from "../package.json" with { type: "json" };
import { type CliContext, createCliContext } from "./cli-context";
import { CliError, oneLine } from "./cli-error";
import { deadLettersCommand, requeueCommand } from "./commands/dead-letters";
import { doctorCommand } from "./commands/doctor";
import { eventsCommand } from "./commands/events";
import { exportCommand, importCommand } from "./commands/export-import";
import { forgetCommand } from "./commands/forget";
import { replayCommand } from "./commands/replay";
import { retryCommand } from "./commands/retry";
import { statusCommand } from "./commands/status";
import { submitCommand } from "./commands/submit";
import { verifyCommand } from "./commands/verify";

/** Builds the command tree; every action runs with a context that is closed afterwards. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("reimagine")
    .description(
      "Operate reimagine: check its setup, audit requests, replay the read model, retry failures, manage dead letters, erase personal data.",
    )
    .version(cliPackage.version, "-V, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s.trimEnd()), writeErr: (s) => ctx.err(s.trimEnd()) });

  program
    .command("doctor")
    .description(
      "check what the services depend on: NATS, Postgres, the buckets, mail, the HF token and each model",
    )
    .option("--json", "machine-readable output")
    .action((o) => doctorCommand(ctx, o));
  program
    .command("events")
    .description("the whole ordered history of one request: type, time, stage, key data, ids")
    .argument("<id>", "request id")
    .option("--json", "machine-readable output")
    .action((id, o) => eventsCommand(ctx, id, o));
  program
    .command("status")
    .description("the status of one request, as the API shows it")
    .argument("<id>", "request id")
    .option("--json", "machine-readable output")
    .action((id, o) => statusCommand(ctx, id, o));
  program
    .command("submit")
    .description("submit a photo through the API; prints the request id")
    .argument("<file>", "a JPEG, PNG or WebP file")
    .requiredOption("--email <addr>", "where the link goes")
    .option("--wait", "follow the request's progress to the end (exit 1 if it fails)")
    .option("--timeout <seconds>", "with --wait, how long to wait", "300")
    .option("--api <url>", "API base URL (default PUBLIC_BASE_URL or http://localhost:PORT)")
    .action((file, o) => submitCommand(ctx, file, o));
  program
    .command("replay")
    .description("rebuild a read model from the whole log into a fresh table, then swap it in atomically")
    .option("--projection <name>", "which projection", "requests")
    .action((o) => replayCommand(ctx, o));
  program
    .command("verify")
    .description("fold every request's events and report read-model rows that differ (exit 1 on drift)")
    .option("--json", "machine-readable output")
    .action((o) => verifyCommand(ctx, o));
  program
    .command("retry")
    .description("append RetryRequested for the failed stage of a request (or of every failed request)")
    .argument("[id]", "request id")
    .option("--failed", "retry every failed request")
    .option("--since <time>", "with --failed: only requests that changed since (ISO time or 30m/2h/7d)")
    .option("--reason <text>", "why, recorded in the event")
    .option("--by <name>", "who asks, recorded in the event")
    .action((id, o) => retryCommand(ctx, id, o));
  program
    .command("forget")
    .description(
      "erase a person's data: the request's data key, its images, and the read model shows it erased",
    )
    .argument("[id]", "request id")
    .option("--email <addr>", "every request of this address")
    .option("--by <name>", "who asks, recorded in the event")
    .option("--json", "machine-readable output")
    .action((id, o) => forgetCommand(ctx, id, o));
  const dead = program
    .command("dead-letters")
    .description("events that exhausted their delivery attempts, with the reason")
    .option("--json", "machine-readable output")
    .action((o) => deadLettersCommand(ctx, o));
  dead
    .command("requeue")
    .description("hand a dead letter back to its handler")
    .argument("<id>", "dead-letter id (first column of the list)")
    .action((id) => requeueCommand(ctx, id));
  program
    .command("export")
    .description("write the event log as JSON lines to stdout (for audit and archive)")
    .option("--since <time>", "only events since (ISO time or 30m/2h/7d)")
    .action((o) => exportCommand(ctx, o));
  program
    .command("import")
    .description("read a JSON-lines archive into an EMPTY event store")
    .argument("[file]", "archive file (default: stdin)")
    .action((file) => importCommand(ctx, file));
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 failure or drift, 2 usage error (a bad argument,
 * option or variable). Every error is one line on stderr.
 */
export async function runCli(argv: string[], ctx: CliContext = createCliContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError)
      return err.code === "commander.helpDisplayed" || err.code === "commander.version" ? 0 : 2;
    ctx.err(`reimagine: ${oneLine(err)}`);
    return exitCodeOf(err);
  } finally {
    await ctx.close();
  }
}

/** 2 for what the operator typed or set wrong, 1 for everything that went wrong after that. */
function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (
    err instanceof ConfigError ||
    err instanceof InvalidRequestIdError ||
    err instanceof UnknownStreamError
  ) {
    return 2;
  }
  return 1;
}
