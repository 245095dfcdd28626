import { createBlobStore } from "@reimagine/blobs";
import { assertRequestId } from "@reimagine/eventstore";
import { type ForgetReport, forgetEmail, forgetRequest } from "@reimagine/operations";
import type { CliContext } from "../cli-context";
import { CliError } from "../cli-error";

export interface ForgetOptions {
  email?: string;
  by?: string;
  json?: boolean;
}

/**
 * `reimagine forget <id>` or `forget --email <addr>`: erase a person's data. The data key goes (the
 * sealed address in the log never opens again), the images go, ErasureCompleted is appended and the
 * read model shows the request `erased`. Says plainly what stays in the log.
 */
export async function forgetCommand(
  ctx: CliContext,
  id: string | undefined,
  options: ForgetOptions,
): Promise<void> {
  if (Boolean(id) === Boolean(options.email))
    throw new CliError("forget needs a request id or --email, not both", 2);
  const deps = {
    store: await ctx.store(),
    vault: await ctx.vault(),
    blobs: createBlobStore(ctx.config),
    buckets: { originals: ctx.config.S3_BUCKET_ORIGINALS, generated: ctx.config.S3_BUCKET_GENERATED },
  };
  const requestedBy = options.by ?? "operator (cli)";
  let reports: ForgetReport[];
  if (id) {
    assertRequestId(id);
    reports = [await forgetRequest(deps, id, { requestedBy })];
  } else {
    const result = await forgetEmail(deps, options.email!, { requestedBy });
    reports = result.requests;
    if (!options.json) {
      ctx.out(
        `${reports.length} request(s) of that address (${result.scannedEvents} event(s) searched for version-1 requests)`,
      );
    }
  }
  if (options.json) {
    ctx.out(JSON.stringify(reports, null, 2));
    return;
  }
  for (const report of reports) ctx.out(describeReport(report));
  if (reports.some((r) => r.clearTextInLog)) {
    ctx.out(
      "The log is append-only: a version-1 ImageSubmitted keeps its address in clear text, and one written " +
        "before webhook URLs were sealed keeps its URL. `reimagine export` shows them as erased; importing " +
        "that export into a new stream leaves a log without them.",
    );
  }
}

function describeReport(r: ForgetReport): string {
  const objects =
    r.removed.length === 0
      ? "no object left to remove"
      : `removed ${r.removed.map((b) => `${b.bucket}/${b.key}`).join(", ")}`;
  const key = r.keyErased ? "data key erased" : "no data key left to erase";
  if (r.eventId === null && !r.alreadyErased)
    return `${r.requestId}: no events (an unfinished submission); ${key}`;
  const head = r.alreadyErased ? "already erased, nothing new recorded" : `erased (event ${r.eventId})`;
  const kept = r.clearTextInLog
    ? "; the log still holds personal data in clear text (a version-1 address or an unsealed webhook URL)"
    : "";
  return `${r.requestId}: ${head}; ${key}; ${objects}${kept}`;
}
