import type { JetStreamEventStore } from "@reimagine/eventstore";
import { openEventStore } from "@reimagine/eventstore";
import { type Config, loadConfig } from "@reimagine/platform";
import { openVault, type Vault } from "@reimagine/vault";

/** What a command may use; connections open on first use and close when the command ends. */
export interface CliContext {
  config: Config;
  store(): Promise<JetStreamEventStore>;
  /** The key bucket next to the store's stream: opens addresses, forgets requests. */
  vault(): Promise<Vault>;
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
  let vault: Promise<Vault> | undefined;
  const closers: (() => Promise<void>)[] = [];
  const openStore = () => {
    store ??= openEventStore(config, "reimagine-cli").then((s) => {
      closers.push(() => s.nc.close());
      return s;
    });
    return store;
  };
  return {
    config,
    out: options.out ?? ((line) => process.stdout.write(`${line}\n`)),
    err: options.err ?? ((line) => process.stderr.write(`${line}\n`)),
    store: openStore,
    vault() {
      vault ??= openStore().then((s) => openVault(s, { replicas: config.NATS_REPLICAS }));
      return vault;
    },
    async close() {
      await Promise.allSettled(closers.map((c) => c()));
    },
  };
}
