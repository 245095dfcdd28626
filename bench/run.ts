import { benchCommandApi } from "./command-api.bench";
import { benchEventStore } from "./event-store.bench";
import { benchHandlers } from "./handlers.bench";
import { benchProjector } from "./projector.bench";
import { printResults } from "./report";

/** `npm run bench`: every benchmark, each against a baseline measured in the same run. */
async function main() {
  console.log(`reimagine benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
  printResults(await benchEventStore());
  printResults(await benchProjector());
  printResults(await benchHandlers());
  printResults(await benchCommandApi());
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
