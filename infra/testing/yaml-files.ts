import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";

/** Every .yaml/.yml file below `dir`, as paths relative to `root`, sorted. */
export function yamlFilesUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) out.push(relative(root, path));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

/**
 * Parses every document of a YAML file, with YAML 1.1 merge keys (`<<`) as Compose reads them.
 * Throws on the first syntax error, naming the file.
 */
export function readYamlDocuments(path: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(path, "utf8"), { merge: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join("; ")}`);
  }
  return list.map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
}

/**
 * Compose variable substitution against `env`: `${VAR}`, `${VAR:-default}`, `${VAR-default}`
 * and `$$` (a literal dollar).
 */
export function interpolate(value: string, env: Record<string, string | undefined> = {}): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g,
    (whole, name: string | undefined, op: string | undefined, fallback: string | undefined) => {
      if (whole === "$$") return "$";
      const v = env[name!];
      if (op === ":-") return v === undefined || v === "" ? (fallback ?? "") : v;
      if (op === "-") return v === undefined ? (fallback ?? "") : v;
      return v ?? "";
    },
  );
}
