import { benchCommandApi } from "./command-api.bench";
import { benchEventStore } from "./event-store.bench";
import { benchHandlers } from "./handlers.bench";
import { benchImport } from "./import.bench";
import { benchProjector } from "./projector.bench";
import { benchReadRequest } from "./read-request.bench";
import { type BenchResult, type BenchTable, printResults, printTable } from "./report";
import { benchServiceResources } from "./service-resources.bench";

type Bench = () => Promise<BenchResult[] | { tables: BenchTable[]; results: BenchResult[] }>;

const BENCHES: Record<string, Bench> = {
  "event-store": benchEventStore,
  import: benchImport,
  "read-request": benchReadRequest,
  projector: benchProjector,
  handlers: benchHandlers,
  "command-api": benchCommandApi,
  resources: benchServiceResources,
};

/**
 * `npm run bench [-- name...]`: every benchmark (or the named ones), each against a baseline
 * measured in the same run.
 */
async function main(names: string[]) {
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(BENCHES).join(", ")}`);
  console.log(`reimagine benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (names.length > 0 && !names.includes(name)) continue;
    const out = await bench();
    if (Array.isArray(out)) {
      printResults(out);
      continue;
    }
    for (const table of out.tables) printTable(table);
    printResults(out.results);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
