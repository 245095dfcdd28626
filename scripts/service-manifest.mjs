#!/usr/bin/env node
// The package.json of one process's container image: exactly the third-party packages its bundle may
// import at run time, i.e. those of RUNTIME_PACKAGES among the production dependencies of its
// workspace and of every workspace package it depends on. Everything else (the workspace packages
// and the pure-JavaScript dependencies) is compiled into the bundle by scripts/build.mjs, so it is
// not installed. Versions are the ones package-lock.json resolved for the repository, pinned.
//
//   node scripts/service-manifest.mjs services/notifier                  print it
//   node scripts/service-manifest.mjs --install /deps services/notifier  and install it in /deps
//
// npm cannot do this itself: `npm ci --omit=dev --workspace X` still installs every workspace's
// dependencies, the test helpers' included (workspace links are never "dev"). Given this manifest
// and the repository's package-lock.json, `npm install` keeps every locked version and drops the rest.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WORKSPACE_SCOPE = "@reimagine/";

/**
 * The packages no bundle compiles in, left to node_modules at run time (and so installed in the
 * images that depend on them): native code (sharp and its libvips; pg-native, which pg loads only
 * when asked), and packages whose files are read from beside their module (PGlite's WebAssembly
 * and data, the Swagger UI page the command API serves).
 */
export const RUNTIME_PACKAGES = ["sharp", "pg-native", "@electric-sql/pglite", "swagger-ui-dist"];

/** Of those, the ones a bundle may name but never loads, so no image installs them: pg's native binding. */
export const NEVER_INSTALLED = ["pg-native"];

const readJson = (path) => JSON.parse(readFileSync(join(ROOT, path), "utf8"));

/** Workspace directories by package name, from the root package-lock (the install npm made). */
function workspaceDirs(lock) {
  const dirs = new Map();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path !== "" && !path.includes("node_modules/") && entry.name) dirs.set(entry.name, path);
  }
  return dirs;
}

/**
 * The production dependency closure of a workspace: the workspaces it reaches through
 * `dependencies` (never devDependencies), and the third-party packages they declare, with the
 * version package-lock.json installed for each.
 */
export function productionClosure(workspace) {
  const lock = readJson("package-lock.json");
  const dirs = workspaceDirs(lock);
  const workspaces = new Set();
  const thirdParty = new Map();
  const visit = (dir) => {
    if (workspaces.has(dir)) return;
    workspaces.add(dir);
    for (const name of Object.keys(readJson(join(dir, "package.json")).dependencies ?? {})) {
      if (name.startsWith(WORKSPACE_SCOPE)) {
        const target = dirs.get(name);
        if (!target) throw new Error(`${dir} depends on ${name}, which is no workspace`);
        visit(target);
        continue;
      }
      const version = (lock.packages[`${dir}/node_modules/${name}`] ?? lock.packages[`node_modules/${name}`])
        ?.version;
      if (!version) throw new Error(`${name} (a dependency of ${dir}) is not in package-lock.json`);
      const seen = thirdParty.get(name);
      if (seen && seen !== version) throw new Error(`${name}: ${seen} and ${version} in one image`);
      thirdParty.set(name, version);
    }
  };
  visit(workspace);
  return {
    workspaces: [...workspaces].sort(),
    dependencies: Object.fromEntries([...thirdParty].sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** The image's package.json for a workspace (and any others in the same image, e.g. the CLI). */
export function imageManifest(workspaces) {
  const dependencies = {};
  for (const w of workspaces) {
    for (const [name, version] of Object.entries(productionClosure(w).dependencies)) {
      if (RUNTIME_PACKAGES.includes(name)) dependencies[name] = version;
    }
  }
  const root = readJson("package.json");
  return {
    name: `reimagine-${workspaces.map((w) => w.split("/").at(-1)).join("-")}`,
    version: root.version,
    private: true,
    type: "module",
    engines: root.engines,
    dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** Writes the manifest into `dir` and installs it there, at the versions of the repository's lock. */
function installImageDependencies(dir, workspaces) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(imageManifest(workspaces), null, 2)}\n`);
  copyFileSync(join(ROOT, "package-lock.json"), join(dir, "package-lock.json"));
  execFileSync("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=warn"], {
    cwd: dir,
    stdio: "inherit",
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const install = args[0] === "--install" ? args[1] : undefined;
  const workspaces = install ? args.slice(2) : args;
  if (workspaces.length === 0 || (args[0] === "--install" && !install)) {
    console.error("usage: service-manifest.mjs [--install <dir>] <workspace dir>...");
    process.exit(2);
  }
  if (install) installImageDependencies(install, workspaces);
  else process.stdout.write(`${JSON.stringify(imageManifest(workspaces), null, 2)}\n`);
}
