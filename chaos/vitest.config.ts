import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// `npm run test:chaos`: one scenario file at a time (each starts its own servers and five service
// processes), not part of `npm test`. CHAOS_REQUESTS / CHAOS_RATE size the load (200 at 10/s).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["chaos/scenarios/*.chaos.spec.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 240_000,
    reporters: ["default"],
  },
});
