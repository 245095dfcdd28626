// Types of scripts/service-manifest.mjs.

/** The production dependency closure of a workspace directory (e.g. "services/notifier"). */
export declare function productionClosure(workspace: string): {
  /** Workspace directories reached through `dependencies`, the workspace itself included. */
  workspaces: string[];
  /** Third-party packages they declare, with the version package-lock.json installed. */
  dependencies: Record<string, string>;
};

/** The container image's package.json for these workspaces. */
export declare function imageManifest(workspaces: string[]): {
  name: string;
  dependencies: Record<string, string>;
};

/** Writes the manifest into `dir` and installs it there, at the versions of the repository's lock. */
export declare function installImageDependencies(dir: string, workspaces: string[]): void;

/** The packages no bundle compiles in: node_modules provides them at run time. */
export declare const RUNTIME_PACKAGES: readonly string[];

/** Of those, the ones a bundle may name but never loads, so no image installs them. */
export declare const NEVER_INSTALLED: readonly string[];
