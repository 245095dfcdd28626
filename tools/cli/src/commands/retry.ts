import { assertRequestId } from "@reimagine/eventstore";
import { requestRetry } from "@reimagine/operations";
import type { CliContext } from "../cli-context";
import { CliError } from "../cli-error";
import { parseSince } from "../parse-since";
import { readModelRoute, serverAdmin, withDatabase } from "./with-database";

export interface RetryOptions {
  failed?: boolean;
  since?: string;
  reason?: string;
  by?: string;
}

/** `reimagine retry <id>` or `retry --failed [--since]`: re-run the stage that failed. */
export async function retryCommand(
  ctx: CliContext,
  id: string | undefined,
  options: RetryOptions,
): Promise<void> {
  const requestedBy = options.by ?? "operator (cli)";
  const store = await ctx.store();
  if (id) {
    if (options.failed) throw new CliError("give a request id or --failed, not both", 2);
    assertRequestId(id);
    const event = await requestRetry(store, id, { requestedBy, reason: options.reason });
    ctx.out(`retry of ${event.data.stage} requested for ${id} (event ${event.id})`);
    return;
  }
  if (!options.failed) throw new CliError("retry needs a request id, or --failed", 2);
  const since = options.since ? parseSince(options.since) : undefined;
  const route = await readModelRoute(ctx);
  if (route.via === "server") {
    const query = since ? `?since=${encodeURIComponent(since.toISOString())}` : "";
    const answer = (await (
      await serverAdmin(route, "retry --failed").call("POST", `/retries${query}`)
    ).json()) as {
      retried: { requestId: string; stage: string }[];
      refused: { requestId: string; reason: string }[];
    };
    for (const r of answer.retried) ctx.out(`${r.requestId}: retry of ${r.stage} requested`);
    for (const r of answer.refused) ctx.err(`${r.requestId}: ${r.reason}`);
    ctx.out(
      `${answer.retried.length} of ${answer.retried.length + answer.refused.length} failed request(s) retried`,
    );
    return;
  }
  const failed = await withDatabase(ctx, async (db) => {
    const { listFailedRequests } = await import("@reimagine/readmodel");
    return listFailedRequests(db, { since });
  });
  let retried = 0;
  for (const request of failed) {
    try {
      const event = await requestRetry(store, request.requestId, { requestedBy, reason: options.reason });
      ctx.out(`${request.requestId}: retry of ${event.data.stage} requested`);
      retried++;
    } catch (err) {
      ctx.err(`${request.requestId}: ${(err as Error).message}`);
    }
  }
  ctx.out(`${retried} of ${failed.length} failed request(s) retried`);
}
