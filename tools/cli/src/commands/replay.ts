import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { readLines } from "@reimagine/operations";
import type { RebuildProgress, RebuildResult } from "@reimagine/readmodel";
import { SingleBar } from "cli-progress";
import type { AdminClient } from "../admin-client";
import type { CliContext } from "../cli-context";
import { CliError } from "../cli-error";
import { readModelRoute, serverAdmin, withDatabase } from "./with-database";

/**
 * `reimagine replay [--projection requests]`: rebuilds the read model from the whole log into a
 * fresh table and swaps it in atomically while the live projector keeps serving. Through the
 * server's admin API when the server holds the embedded read model.
 */
export async function replayCommand(ctx: CliContext, options: { projection: string }): Promise<void> {
  const { projections } = await import("@reimagine/readmodel");
  if (!Object.hasOwn(projections, options.projection)) {
    throw new CliError(
      `unknown projection "${options.projection}" (known: ${Object.keys(projections).join(", ")})`,
      2,
    );
  }
  const bar = new SingleBar({
    format: "replay {bar} {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}",
    stream: process.stderr,
    hideCursor: true,
  });
  const onProgress = (p: Pick<RebuildProgress, "done" | "total" | "eventsPerSecond">) => {
    bar.setTotal(Math.max(1, p.total));
    bar.update(p.done, { rate: Math.round(p.eventsPerSecond) });
  };
  const route = await readModelRoute(ctx);
  bar.start(1, 0, { rate: 0 });
  let result: RebuildResult;
  try {
    result =
      route.via === "server"
        ? await replayThrough(serverAdmin(route, "replay"), options.projection, onProgress)
        : await replayHere(ctx, options.projection, onProgress);
  } finally {
    bar.stop();
  }
  ctx.out(
    `rebuilt ${options.projection}: ${result.events} event(s), ${result.requests} request(s) in ${(result.durationMs / 1000).toFixed(1)} s`,
  );
}

async function replayHere(
  ctx: CliContext,
  name: string,
  onProgress: (p: RebuildProgress) => void,
): Promise<RebuildResult> {
  const store = await ctx.store();
  return withDatabase(ctx, async (db) => {
    const { projections, rebuildProjection } = await import("@reimagine/readmodel");
    const projection = projections[name as keyof typeof projections];
    return rebuildProjection({ db, store, projection, onProgress });
  });
}

/** The server's replay: its NDJSON progress lines, then the result (or the problem that ended it). */
async function replayThrough(
  admin: AdminClient,
  name: string,
  onProgress: (p: RebuildProgress) => void,
): Promise<RebuildResult> {
  const res = await admin.call("POST", `/replay?projection=${encodeURIComponent(name)}`);
  if (!res.body) throw new CliError("the server's replay answered without a body");
  for await (const line of readLines(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>))) {
    if (line.trim() === "") continue;
    const message = JSON.parse(line) as
      | RebuildProgress
      | { result: RebuildResult }
      | { error: { detail?: string; title?: string } };
    if ("result" in message) return message.result;
    if ("error" in message)
      throw new CliError(`the server's replay failed: ${message.error.detail ?? message.error.title}`);
    onProgress(message);
  }
  throw new CliError("the server's replay ended without a result");
}
