import { readFileSync } from "node:fs";

/** One instruction of a Dockerfile, continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** A build stage: `FROM <base> [AS <name>]` and its instructions. */
export interface Stage {
  name: string | undefined;
  base: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages (comments dropped, `\` continuations joined). */
export function parseDockerfile(path: string): Stage[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push((pending + line).trim());
    pending = "";
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = "", ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (keyword.toUpperCase() === "FROM") {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!m) throw new Error(`cannot read FROM ${args}`);
      stages.push({ base: m[1]!, name: m[2], instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** The instructions of `stage` and of every stage it is built FROM, oldest first. */
export function lineage(stages: Stage[], name: string): Stage[] {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  return [...(stages.some((s) => s.name === stage.base) ? lineage(stages, stage.base) : []), stage];
}

/** The last value of `keyword` along a stage's lineage (what the built image ends up with). */
export function effective(stages: Stage[], name: string, keyword: string): string | undefined {
  const found = lineage(stages, name)
    .flatMap((s) => s.instructions)
    .filter((i) => i.keyword === keyword);
  return found.at(-1)?.args;
}

/** ENV values along a stage's lineage (`ENV A=1 B=2` form). */
export function environment(stages: Stage[], name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of lineage(stages, name).flatMap((s) => s.instructions)) {
    if (i.keyword !== "ENV") continue;
    for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) {
      env[m[1]!] = m[2]!.replace(/^"|"$/g, "");
    }
  }
  return env;
}
