#!/usr/bin/env node
// The `reimagine` operator CLI: its compiled bundle (tools/cli/dist/main.js). In a checkout the
// bundle is built first when missing or older than its sources, so `npx reimagine` works on a fresh
// clone; images carry the bundle without sources, and run it as it is.
import { existsSync } from "node:fs";

if (existsSync(new URL("../src/main.ts", import.meta.url))) {
  const { build } = await import("../../../scripts/build.mjs");
  await build(["cli"], { ifStale: true });
}
process.setSourceMapsEnabled(true);
await import("../dist/main.js");
