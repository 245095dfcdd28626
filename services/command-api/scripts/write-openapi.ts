// Writes the command API's OpenAPI document to the file named on the command line, for the linter
// (`npm run lint:openapi`). The document depends on the configuration only: no dependency is opened.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { loadConfig, silentLogger } from "@reimagine/platform";
import type { CommandApiDeps } from "../src/app/command-api-deps";
import { createCommandApi } from "../src/app/create-command-api";

const target = process.argv[2];
if (!target) {
  console.error("usage: write-openapi <file>");
  process.exit(2);
}
const inert = () => {
  throw new Error("the OpenAPI document needs no dependency");
};
const deps = {
  config: loadConfig({ PUBLIC_BASE_URL: "https://reimagine.example" }, {}),
  logger: silentLogger,
  store: inert,
  blobs: inert,
  reader: inert,
  idempotency: inert,
} as unknown as CommandApiDeps;
const res = await createCommandApi(deps).request("/openapi.json");
if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, JSON.stringify(await res.json(), null, 2));
console.log(`OpenAPI document written to ${target}`);
