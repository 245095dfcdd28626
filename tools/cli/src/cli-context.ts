import type { Readable } from "node:stream";
import type { JetStreamEventStore } from "@reimagine/eventstore";
import { openEventStore } from "@reimagine/eventstore";
import { type Config, loadConfig } from "@reimagine/platform";
import { openVault, type Vault } from "@reimagine/vault";

/** What a command may use; connections open on first use and close when the command ends. */
export interface CliContext {
  /** Read on first use, so --help and --version work whatever the environment says. */
  readonly config: Config;
  /**
   * The event store. Only `create: true` (import) creates the streams; every other verb opens an
   * existing stream and nothing else, so a mistyped NATS_STREAM is an error, not a new stream.
   */
  store(options?: { create?: boolean }): Promise<JetStreamEventStore>;
  /** The key bucket next to the store's stream: opens addresses, forgets requests. */
  vault(): Promise<Vault>;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Raw output with backpressure (export): resolves when the chunk may be followed by more. */
  write: (chunk: string) => Promise<void>;
  /** Where `import` reads an archive from when no file is given. */
  stdin: Readable;
  /** Registers something to close when the command ends. */
  onClose(close: () => Promise<void>): void;
  close(): Promise<void>;
}

/** A context from the environment (tests pass their own config and writers). */
export function createCliContext(
  options: {
    config?: Config;
    out?: (line: string) => void;
    err?: (line: string) => void;
    write?: (chunk: string) => Promise<void>;
    stdin?: Readable;
  } = {},
): CliContext {
  let config = options.config;
  let store: Promise<JetStreamEventStore> | undefined;
  let vault: Promise<Vault> | undefined;
  const closers: (() => Promise<void>)[] = [];
  const ctx: CliContext = {
    get config() {
      config ??= loadConfig();
      return config;
    },
    out: options.out ?? ((line) => process.stdout.write(`${line}\n`)),
    err: options.err ?? ((line) => process.stderr.write(`${line}\n`)),
    write: options.write ?? writeStdout,
    stdin: options.stdin ?? process.stdin,
    store(storeOptions = {}) {
      store ??= openEventStore(ctx.config, "reimagine-cli", {
        ensureStreams: storeOptions.create === true,
      }).then((s) => {
        closers.push(() => s.nc.close());
        return s;
      });
      return store;
    },
    vault() {
      // like the streams, the key bucket is the services' to create: a tool only opens it
      vault ??= ctx.store().then((s) => openVault(s, { replicas: ctx.config.NATS_REPLICAS, readOnly: true }));
      return vault;
    },
    onClose(close) {
      closers.push(close);
    },
    async close() {
      await Promise.allSettled(closers.splice(0).map((c) => c()));
    },
  };
  return ctx;
}

function writeStdout(chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.stdout.write(chunk)) resolve();
    else process.stdout.once("drain", resolve).once("error", reject);
  });
}
