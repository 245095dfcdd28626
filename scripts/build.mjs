#!/usr/bin/env node
// Compiles each reimagine process (the five services, the all-in-one and the CLI) into one ES module,
// <workspace>/dist/main.js with its source map: the workspace packages and the pure-JavaScript
// third-party packages are compiled in (tree-shaken, their ES module builds preferred); only the
// packages in RUNTIME_PACKAGES (native code, WebAssembly and files read beside the module) stay
// imports resolved from node_modules at run time. What a process loads only on demand (a dynamic
// import: the OTLP exporters, sharp, the PGlite driver...) goes into a chunk of its own under
// dist/chunks/, read when first needed.
//
//   node scripts/build.mjs                    build every target
//   node scripts/build.mjs notifier cli       build these
//   node scripts/build.mjs --if-stale [...]   only where a source changed since the last build
//
// Plain JavaScript so that it runs on a fresh clone before anything is compiled. esbuild is the one
// compiler of the repository already (tsx and vite run on it), and bundles all targets in well under
// a second.
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RUNTIME_PACKAGES } from "./service-manifest.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Every process reimagine runs, by name: the workspace whose src/main.ts is its entry. */
export const TARGETS = {
  "command-api": "services/command-api",
  "caption-handler": "services/caption-handler",
  "generation-handler": "services/generation-handler",
  projector: "services/projector",
  notifier: "services/notifier",
  "all-in-one": "tools/all-in-one",
  cli: "tools/cli",
};

/** Where a target's compiled entry is, absolute. */
export const compiledEntry = (name) => join(ROOT, workspaceOf(name), "dist", "main.js");

/**
 * The node options every compiled entry runs with (also in each start script and the Dockerfile),
 * sizing V8's heap for what a service holds (~20–30 MB of live objects; uploads and images are
 * Buffers, outside it):
 * - `--max-semi-space-size=2`: a young generation of 2 MB semi-spaces instead of up to 16 MB; the
 *   services' objects are short-lived and small.
 * - `--initial-old-space-size=16`: V8 starts collecting the old generation once it holds 16 MB,
 *   not half of its ceiling; from there the limit follows what survives each collection.
 * - `--max-old-space-size=512`: the ceiling, which also sets how far V8 lets the old generation
 *   grow past what survived (a factor of ~1.4 at 512 MB against 4 at the default ceiling of
 *   several GB). Far above what a service holds, below each container's memory limit
 *   (infra/k8s: 384–768 Mi).
 * Measured with `npm run bench -- resources` at 20 requests/s: idle RSS 88–97 → 70–80 MiB and peak
 * RSS 129–222 → 84–124 MiB per service, for about 3 ms more CPU per request across the five (the
 * extra collections; back-to-back runs with and without the two old-space flags).
 * Source maps are written beside each bundle but not enabled:
 * node parses a bundle's whole map when it loads it, which measured 5–58 MB of RSS per service
 * (the more is bundled, the more). Stack traces name the functions (names are kept) at lines and
 * columns of dist/main.js; run with NODE_OPTIONS=--enable-source-maps to have them point into the sources.
 */
const NODE_OPTIONS = ["--max-semi-space-size=2", "--initial-old-space-size=16", "--max-old-space-size=512"];

/**
 * Node options of one target beyond NODE_OPTIONS (also in its start script and its image's CMD).
 * The model handlers run `--liftoff-only`: their one WebAssembly module is undici's HTTP parser
 * (llhttp, under every fetch: the model calls and the start-up checks), and V8's optimising tier
 * recompiling it in a background thread left 7–9 MiB in a second malloc arena in about one start
 * of two (idle RSS 75–79 MiB against 68–70; ten starts each with the flag: 68.7–69.7). Liftoff's
 * code parses a model's response headers just as well. Not for the processes that may open the
 * read model in PGlite, Postgres compiled to WebAssembly, which needs the optimised code.
 */
const TARGET_NODE_OPTIONS = {
  "caption-handler": ["--liftoff-only"],
  "generation-handler": ["--liftoff-only"],
};

/** Every node option a target's compiled entry runs with. */
export const nodeOptionsOf = (name) => [...NODE_OPTIONS, ...(TARGET_NODE_OPTIONS[name] ?? [])];

/**
 * The environment every compiled entry runs with (also in each start script and the Dockerfile):
 * glibc's malloc keeps up to 8 arenas per core, one per thread that allocates at once (libvips and
 * libuv threads); two are enough for a service and measured less native RSS under load.
 */
export const NODE_ENV_VARS = { MALLOC_ARENA_MAX: "2" };

// Written beside main.js: the files the bundle was made of, to tell whether it is stale.
const INPUTS_FILE = "inputs.json";

function workspaceOf(name) {
  const dir = TARGETS[name];
  if (!dir) throw new Error(`unknown build target ${name}; known: ${Object.keys(TARGETS).join(", ")}`);
  return dir;
}

/**
 * Leaves the packages of RUNTIME_PACKAGES (and anything under them) to node at run time; every
 * other import is compiled into the bundle.
 */
const runtimeExternal = {
  name: "runtime-external",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      RUNTIME_PACKAGES.includes(packageName(args.path)) ? { path: args.path, external: true } : undefined,
    );
  },
};

/**
 * Packages whose modules do nothing when imported but declare no `sideEffects` field, so esbuild
 * keeps every module they reach even when nothing of it is used. @huggingface/inference's index
 * re-exports its code-snippet generator, which pulls in the whole of @huggingface/tasks (the model
 * library table and its snippets) and @huggingface/jinja: ~380 KB of the caption and generation
 * handlers' bundles that no service calls, parsed at every start. Their ES modules only declare
 * (checked: no top-level statement of theirs is a call or an assignment); marked side-effect free,
 * a module whose exports are unused is left out.
 */
const SIDE_EFFECT_FREE = ["@huggingface/inference", "@huggingface/tasks", "@huggingface/jinja"];

const sideEffectFree = {
  name: "side-effect-free",
  setup(build) {
    const inside = (file) => SIDE_EFFECT_FREE.some((p) => file.includes(`/node_modules/${p}/`));
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.sideEffectFree) return undefined;
      if (!SIDE_EFFECT_FREE.includes(packageName(args.path)) && !inside(args.importer)) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { sideEffectFree: true },
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return inside(resolved.path) ? { ...resolved, sideEffects: false } : resolved;
    });
  },
};

// CommonJS packages compiled into an ES module still call require() for node's own modules.
const REQUIRE_SHIM =
  'import { createRequire as __reimagineCreateRequire } from "node:module";\n' +
  "const require = __reimagineCreateRequire(import.meta.url);";

/**
 * Files a bundle reads at run time rather than imports, by the module that reads them: copied beside
 * the bundle (`dist/<to>`), where that module looks first. The command API's web page is such a
 * folder; it goes into every bundle the command API is part of (its own and the all-in-one).
 */
const RUNTIME_FILES = {
  "services/command-api/src/web/static-assets.ts": { from: "services/command-api/web", to: "web" },
};

/** Is the target's bundle missing or older than one of the files it was made of? */
export async function isStale(name) {
  const dist = join(ROOT, workspaceOf(name), "dist");
  let recorded;
  try {
    recorded = JSON.parse(await readFile(join(dist, INPUTS_FILE), "utf8"));
    await stat(join(dist, "main.js"));
  } catch {
    return true;
  }
  const mtimes = await Promise.all(
    recorded.inputs.map((file) =>
      stat(join(ROOT, file)).then(
        (s) => s.mtimeMs,
        () => Number.POSITIVE_INFINITY,
      ),
    ),
  );
  return mtimes.some((m) => m > recorded.builtAt);
}

/** Builds the named targets (all by default); with `ifStale`, only those whose sources changed. */
export async function build(names = Object.keys(TARGETS), { ifStale = false } = {}) {
  const todo = ifStale
    ? (await Promise.all(names.map(async (n) => ((await isStale(n)) ? n : null)))).filter(Boolean)
    : names;
  if (todo.length === 0) return [];
  const esbuild = await import("esbuild");
  await Promise.all(todo.map((name) => buildOne(esbuild, name)));
  return todo;
}

async function buildOne(esbuild, name) {
  const workspace = join(ROOT, workspaceOf(name));
  const dist = join(workspace, "dist");
  // Taken before reading any source: a file saved during the build makes the next check rebuild.
  const builtAt = Date.now();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: join(workspace, "src", "main.ts") },
    outdir: dist,
    bundle: true,
    // Dynamic imports become chunks loaded when first reached, not at start.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    platform: "node",
    format: "esm",
    target: "node20.19",
    // ES module builds first: they tree-shake; "module" is the condition bundlers read for them.
    mainFields: ["module", "main"],
    conditions: ["module"],
    treeShaking: true,
    banner: { js: REQUIRE_SHIM },
    sourcemap: "linked",
    // The sources are in the repository (and the images run the bundle only): maps stay small.
    sourcesContent: false,
    // Functions and classes keep their names (stack traces and logs name them; the linked source
    // map leads back to the sources); whitespace and syntax are minified, identifiers are not: a
    // bundle ~28% smaller, which measured 1–9 MiB less idle RSS per service (V8 keeps each module's
    // source and compiles from it).
    keepNames: true,
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning",
    metafile: true,
    write: false,
    plugins: [runtimeExternal, sideEffectFree],
  });
  await mkdir(dist, { recursive: true });
  // The third-party packages the bundle still imports: what its container image must install.
  const externals = [
    ...new Set(
      Object.values(result.metafile.outputs)
        .flatMap((o) => o.imports)
        .filter((i) => i.external && !i.path.startsWith("node:") && !builtinModules.includes(i.path))
        .map((i) => packageName(i.path)),
    ),
  ].sort();
  const runtimeFiles = Object.keys(result.metafile.inputs)
    .filter((input) => RUNTIME_FILES[input])
    .map((input) => RUNTIME_FILES[input]);
  const copied = [];
  for (const { from, to } of runtimeFiles) {
    await rm(join(dist, to), { recursive: true, force: true });
    await cp(join(ROOT, from), join(dist, to), { recursive: true });
    for (const file of await readdir(join(ROOT, from))) copied.push(join(from, file));
  }
  const inputs = [
    ...Object.keys(result.metafile.inputs),
    ...copied,
    relative(ROOT, fileURLToPath(import.meta.url)),
    relative(ROOT, join(workspace, "package.json")),
  ].sort();
  // Each file replaced in one rename: a process starting meanwhile reads the old or the new file, never half.
  await mkdir(join(dist, "chunks"), { recursive: true });
  for (const file of result.outputFiles) await writeAtomically(file.path, file.contents);
  // Chunks of earlier builds (their names carry a content hash) are no longer read by main.js.
  const written = new Set(result.outputFiles.map((f) => f.path));
  for (const old of await readdir(join(dist, "chunks"))) {
    if (!written.has(join(dist, "chunks", old))) await rm(join(dist, "chunks", old), { force: true });
  }
  await writeAtomically(join(dist, INPUTS_FILE), JSON.stringify({ builtAt, externals, inputs }, null, 1));
}

/** "@scope/name/deep/path" → "@scope/name", "name/deep" → "name". */
const packageName = (specifier) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/** The third-party packages a target's bundle imports (built first if stale). */
export async function externalPackages(name) {
  await build([name], { ifStale: true });
  const dist = join(ROOT, workspaceOf(name), "dist");
  return JSON.parse(await readFile(join(dist, INPUTS_FILE), "utf8")).externals;
}

async function writeAtomically(path, contents) {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, contents);
  await rename(temp, path);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const ifStale = args.includes("--if-stale");
  const names = args.filter((a) => a !== "--if-stale");
  const started = performance.now();
  build(names.length > 0 ? names : undefined, { ifStale }).then(
    (built) => {
      if (built.length > 0) {
        const ms = Math.round(performance.now() - started);
        console.error(`built ${built.join(", ")} in ${ms} ms`);
      }
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
