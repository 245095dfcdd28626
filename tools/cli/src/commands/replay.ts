import { SingleBar } from "cli-progress";
import type { CliContext } from "../cli-context";
import { CliError } from "../cli-error";
import { withDatabase } from "./with-database";

/**
 * `reimagine replay [--projection requests]`: rebuilds the read model from the whole log into a
 * fresh table and swaps it in atomically while the live projector keeps serving.
 */
export async function replayCommand(ctx: CliContext, options: { projection: string }): Promise<void> {
  const store = await ctx.store();
  const result = await withDatabase(ctx, async (db) => {
    const readmodel = await import("@reimagine/readmodel");
    const projection = readmodel.projections[options.projection as keyof typeof readmodel.projections];
    if (!projection) {
      throw new CliError(
        `unknown projection "${options.projection}" (known: ${Object.keys(readmodel.projections).join(", ")})`,
        2,
      );
    }
    const bar = new SingleBar({
      format: "replay {bar} {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}",
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(1, 0, { rate: 0 });
    try {
      return await readmodel.rebuildProjection({
        db,
        store,
        projection,
        onProgress: (p) => {
          bar.setTotal(Math.max(1, p.total));
          bar.update(p.done, { rate: Math.round(p.eventsPerSecond) });
        },
      });
    } finally {
      bar.stop();
    }
  });
  ctx.out(
    `rebuilt ${options.projection}: ${result.events} event(s), ${result.requests} request(s) in ${(result.durationMs / 1000).toFixed(1)} s`,
  );
}
