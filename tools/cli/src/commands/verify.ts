import type { VerifyReport } from "@reimagine/readmodel";
import type { CliContext } from "../cli-context";
import { CliError } from "../cli-error";
import { readModelRoute, serverAdmin, withDatabase } from "./with-database";

/**
 * `reimagine verify`: compares every read-model row with the fold of its events; exit 1 on drift.
 * Through the server's admin API when the server holds the embedded read model.
 */
export async function verifyCommand(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const route = await readModelRoute(ctx);
  let report: VerifyReport;
  if (route.via === "server") {
    report = (await (await serverAdmin(route, "verify").call("GET", "/verify")).json()) as VerifyReport;
  } else {
    const store = await ctx.store();
    report = await withDatabase(ctx, async (db) => {
      const { verifyProjection } = await import("@reimagine/readmodel");
      return verifyProjection({ db, store });
    });
  }
  if (options.json) ctx.out(JSON.stringify(report, null, 2));
  else {
    for (const d of report.differences) {
      ctx.out(
        `${d.requestId}  ${d.field}: expected ${JSON.stringify(d.expected)}, found ${JSON.stringify(d.actual)}`,
      );
    }
    ctx.out(`checked ${report.checked} request(s): ${report.differences.length} difference(s)`);
  }
  if (report.differences.length > 0) throw new CliError("the read model has drifted from the log", 1);
}
