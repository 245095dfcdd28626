import type { JetStreamEventStore } from "@reimagine/eventstore";
import { openEventStore } from "@reimagine/eventstore";
import { type Config, loadConfig } from "@reimagine/platform";

/** What a command may use; connections open on first use and close when the command ends. */
export interface CliContext {
  config: Config;
  store(): Promise<JetStreamEventStore>;
  out: (line: string) => void;
  err: (line: string) => void;
  close(): Promise<void>;
}

/** A context from the environment (tests pass their own config and writers). */
export function createCliContext(
  options: { config?: Config; out?: (line: string) => void; err?: (line: string) => void } = {},
): CliContext {
  const config = options.config ?? loadConfig();
  let store: Promise<JetStreamEventStore> | undefined;
  const closers: (() => Promise<void>)[] = [];
  return {
    config,
    out: options.out ?? ((line) => process.stdout.write(`${line}\n`)),
    err: options.err ?? ((line) => process.stderr.write(`${line}\n`)),
    store() {
      store ??= openEventStore(config, "reimagine-cli").then((s) => {
        closers.push(() => s.nc.close());
        return s;
      });
      return store;
    },
    async close() {
      await Promise.allSettled(closers.map((c) => c()));
    },
  };
}
