import { describe, expect, it } from "vitest";
import { type BuildTarget, externalPackages } from "../scripts/build.mjs";
import {
  imageManifest,
  NEVER_INSTALLED,
  productionClosure,
  RUNTIME_PACKAGES,
} from "../scripts/service-manifest.mjs";

// What each image must not carry: the heavy or risky packages of the other services.
const MUST_NOT_HOLD: Record<string, string[]> = {
  notifier: ["@electric-sql/pglite", "sharp", "@huggingface/inference", "minio", "pg", "kysely", "busboy"],
  // The projector reaches S3 since the retention sweep removes expired images.
  projector: ["sharp", "@huggingface/inference", "nodemailer", "busboy", "hono-rate-limiter"],
  "caption-handler": ["@electric-sql/pglite", "pg", "kysely", "nodemailer", "busboy"],
  "generation-handler": ["@electric-sql/pglite", "pg", "kysely", "nodemailer", "busboy"],
  "command-api": ["@huggingface/inference", "nodemailer"],
};
// Never in any image: test servers and tools.
const DEV_ONLY = [
  "s3rver",
  "smtp-server",
  "mailparser",
  "vitest",
  "tsx",
  "esbuild",
  "typescript",
  "@biomejs/biome",
];

/** The workspaces whose bundles go into one image (see the Dockerfile's <image>-deps stages). */
const IMAGES: Record<string, { workspaces: string[]; bundles: BuildTarget[] }> = {
  ...Object.fromEntries(
    Object.keys(MUST_NOT_HOLD).map((s) => [
      s,
      {
        workspaces: [`services/${s}`, ...(s === "command-api" ? ["tools/cli"] : [])],
        bundles: [s as BuildTarget, ...(s === "command-api" ? (["cli"] as const) : [])],
      },
    ]),
  ),
  "all-in-one": { workspaces: ["tools/all-in-one", "tools/cli"], bundles: ["all-in-one", "cli"] },
};

describe("the production dependency closure of each service", () => {
  it.each(Object.entries(MUST_NOT_HOLD))("%s excludes what it must not have", (service, banned) => {
    const { dependencies, workspaces } = productionClosure(`services/${service}`);
    expect(Object.keys(dependencies).filter((d) => banned.includes(d) || DEV_ONLY.includes(d))).toEqual([]);
    expect(workspaces).not.toContain("packages/testing");
  });

  it("follows dependencies through workspace packages, never devDependencies", () => {
    const notifier = productionClosure("services/notifier");
    // nodemailer is the notifier's own; @nats-io/jetstream comes through packages/eventstore.
    expect(notifier.dependencies).toHaveProperty("nodemailer");
    expect(notifier.dependencies).toHaveProperty("@nats-io/jetstream");
    expect(notifier.workspaces).toEqual(expect.arrayContaining(["packages/eventstore", "packages/platform"]));
    // @reimagine/testing and @reimagine/operations are only devDependencies of the notifier.
    expect(notifier.workspaces).not.toContain("packages/operations");
  });

  it("pins the versions package-lock.json installed", () => {
    for (const version of Object.values(productionClosure("services/command-api").dependencies)) {
      expect(version).toMatch(/^\d+\.\d+\.\d+/);
    }
  });
});

describe("each image's dependencies", () => {
  it.each(Object.entries(IMAGES))(
    "%s: every package its bundles import is installed in it",
    async (_, { workspaces, bundles }) => {
      const installed = Object.keys(imageManifest(workspaces).dependencies);
      const imported = (await Promise.all(bundles.map(externalPackages))).flat();
      expect(imported.filter((p) => !installed.includes(p) && !NEVER_INSTALLED.includes(p))).toEqual([]);
    },
  );

  it.each(Object.entries(IMAGES))(
    "%s: installs only what no bundle compiles in (native code, files read at run time)",
    (_, { workspaces }) => {
      const installed = Object.keys(imageManifest(workspaces).dependencies);
      expect(installed.filter((p) => !RUNTIME_PACKAGES.includes(p))).toEqual([]);
    },
  );
});
