#!/usr/bin/env node
// The `reimagine` operator CLI. Runs the TypeScript sources through tsx (a runtime dependency).
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
