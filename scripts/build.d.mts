// Types of scripts/build.mjs (plain JavaScript so that it runs before anything is compiled).

/** Every process reimagine runs, by name: the workspace whose src/main.ts is its entry. */
export declare const TARGETS: Readonly<Record<BuildTarget, string>>;

export type BuildTarget =
  | "command-api"
  | "caption-handler"
  | "generation-handler"
  | "projector"
  | "notifier"
  | "all-in-one"
  | "cli";

/** Where a target's compiled entry is, absolute. */
export declare function compiledEntry(name: BuildTarget): string;

/** Every node option a target's compiled entry runs with: those of every target and its own. */
export declare function nodeOptionsOf(name: BuildTarget): string[];

/** The environment variables every compiled entry runs with. */
export declare const NODE_ENV_VARS: Readonly<Record<string, string>>;

/** Is the target's bundle missing or older than one of the files it was made of? */
export declare function isStale(name: BuildTarget): Promise<boolean>;

/** Builds the named targets (all by default); with `ifStale`, only those whose sources changed. Returns what it built. */
export declare function build(names?: BuildTarget[], options?: { ifStale?: boolean }): Promise<BuildTarget[]>;

/** The third-party packages a target's bundle imports (built first if stale). */
export declare function externalPackages(name: BuildTarget): Promise<string[]>;
