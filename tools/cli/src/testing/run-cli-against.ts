import type { Readable } from "node:stream";
import { loadConfig } from "@reimagine/platform";
import { type TestStore, testNatsUrl } from "@reimagine/testing";
import { createCliContext } from "../cli-context";
import { runCli } from "../run-cli";

/** What one CLI run printed and returned. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * A CLI runner for tests, pointed at a test store's streams (and, when given, a database URL);
 * output is captured instead of printed.
 */
export function cliAgainst(
  t: Pick<TestStore, "layout">,
  extra: Record<string, string> = {},
  io: { stdin?: Readable; write?: (chunk: string) => Promise<void> } = {},
) {
  return async (...argv: string[]): Promise<CliRun> => {
    const out: string[] = [];
    const err: string[] = [];
    const config = loadConfig(
      {
        NATS_URL: testNatsUrl(),
        NATS_STREAM: t.layout.stream,
        NATS_SUBJECT_PREFIX: t.layout.allEvents.split(".")[0],
        ...extra,
      },
      {},
    );
    const code = await runCli(
      argv,
      createCliContext({ config, out: (l) => out.push(l), err: (l) => err.push(l), ...io }),
    );
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
}
