import { defineConfig } from "vitest/config";

const exclude = ["**/node_modules/**", "**/dist/**"];

// Three projects by file name: *.unit.spec.ts (pure, in-memory, seconds), *.int.spec.ts (real NATS,
// Postgres, S3 and SMTP servers) and *.e2e.spec.ts (whole processes). `npm test` runs all three;
// `npm run test:unit` only the first.
export default defineConfig({
  test: {
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "unit", include: ["**/*.unit.spec.ts"], exclude } },
      { extends: true, test: { name: "integration", include: ["**/*.int.spec.ts"], exclude } },
      { extends: true, test: { name: "e2e", include: ["**/*.e2e.spec.ts"], exclude } },
    ],
  },
});
