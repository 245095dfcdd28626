import type { Config, NamedPreflightResult, PreflightCheck, PreflightStatus } from "@reimagine/platform";
import { runPreflight, silentLogger } from "@reimagine/platform";
import type { CliContext } from "../cli-context";
import { CliError } from "../cli-error";

const LABEL: Record<PreflightStatus, string> = {
  ok: "ok",
  warn: "warn",
  fail: "FAIL",
  unchecked: "not checked",
};

/**
 * `reimagine doctor`: checks everything the services depend on, with this configuration, and
 * prints one line each: NATS JetStream, Postgres, the S3 buckets, mail, the HF token and each
 * model (a provider serves it for its task, or its endpoint answers). Exit 1 when a check fails;
 * what could not be checked (no network) is said, and does not fail.
 */
export async function doctorCommand(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const { checks, close } = await doctorChecks(ctx.config);
  let results: NamedPreflightResult[];
  try {
    results = await runPreflight(checks, 15_000);
  } finally {
    close();
  }
  if (options.json) ctx.out(JSON.stringify({ results }, null, 2));
  else {
    const width = Math.max(...results.map((r) => r.name.length));
    for (const r of results) ctx.out(`${LABEL[r.status].padEnd(11)} ${r.name.padEnd(width)}  ${r.detail}`);
    const count = (s: PreflightStatus) => results.filter((r) => r.status === s).length;
    ctx.out(
      `\n${count("ok")} ok, ${count("warn")} warning(s), ${count("fail")} failed, ${count("unchecked")} not checked`,
    );
  }
  const failed = results.filter((r) => r.status === "fail").map((r) => r.name);
  if (failed.length > 0) throw new CliError(`not ready: ${failed.join(", ")}`, 1);
}

/** Every check, from the configuration alone; loaded on demand, as the other commands load what they need. */
async function doctorChecks(config: Config): Promise<{ checks: PreflightCheck[]; close(): void }> {
  const [eventstore, readmodel, blobs, notifier, inference, caption, generation] = await Promise.all([
    import("@reimagine/eventstore"),
    import("@reimagine/readmodel"),
    import("@reimagine/blobs"),
    import("@reimagine/notifier"),
    import("@reimagine/inference"),
    import("@reimagine/caption-handler"),
    import("@reimagine/generation-handler"),
  ]);
  const transport = notifier.createMailTransport(config, silentLogger);
  const checks: PreflightCheck[] = [
    eventstore.natsCheck(config),
    readmodel.readModelCheck(config),
    ...bucketChecks(config, blobs),
    notifier.mailCheck(transport),
    ...inference.hfTokenChecks(config),
    ...caption.captionModelChecks(config),
    ...generation.generationModelChecks(config),
  ];
  return { checks, close: () => transport.close() };
}

function bucketChecks(config: Config, blobs: typeof import("@reimagine/blobs")): PreflightCheck[] {
  if (!config.S3_ENDPOINT) {
    return [
      {
        name: "blobs",
        run: async () => ({
          status: "unchecked",
          detail:
            "S3_ENDPOINT unset: the all-in-one keeps blobs on local disk in DATA_DIR; services on their own need S3",
        }),
      },
    ];
  }
  const store = blobs.createBlobStore(config);
  return [config.S3_BUCKET_ORIGINALS, config.S3_BUCKET_GENERATED].map((bucket) =>
    blobs.bucketCheck(store, bucket),
  );
}
