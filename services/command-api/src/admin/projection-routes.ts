import { projections, type RebuildProgress, rebuildProjection, verifyProjection } from "@reimagine/readmodel";
import type { Hono } from "hono";
import { stream } from "hono/streaming";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { errorToProblem } from "../http/error-to-problem";
import { ProblemError } from "../http/problem-error";
import { openReadModel } from "./open-read-model";

type ProjectionName = keyof typeof projections;

function projectionNamed(name: string): (typeof projections)[ProjectionName] {
  if (!Object.hasOwn(projections, name)) {
    const known = Object.keys(projections).join(", ");
    throw new ProblemError("unknown-projection", `unknown projection "${name}" (known: ${known})`);
  }
  return projections[name as ProjectionName];
}

/**
 * POST /replay (rebuild a projection from the whole log, streaming progress as NDJSON, then the
 * result) and GET /verify (compare the read model with the fold of the log).
 */
export function mountProjectionRoutes(admin: Hono<AppEnv>, deps: CommandApiDeps): void {
  const { store } = deps;

  admin.post("/replay", async function adminReplay(c) {
    const projection = projectionNamed(c.req.query("projection") ?? "requests");
    const db = await openReadModel(deps);
    const log = c.var.log;
    c.header("content-type", "application/x-ndjson");
    c.header("cache-control", "no-store");
    return stream(c, async function replayStream(s) {
      // Progress is reported synchronously; the writes are chained so lines keep their order.
      let written: Promise<unknown> = Promise.resolve();
      const line = (value: unknown) => {
        written = written.then(() => s.write(`${JSON.stringify(value)}\n`));
        return written;
      };
      try {
        const result = await rebuildProjection({
          db,
          store,
          projection,
          onProgress: ({ done, total, eventsPerSecond, etaSeconds }: RebuildProgress) => {
            void line({ done, total, eventsPerSecond, etaSeconds });
          },
        });
        log.info({ projection: projection.name, ...result }, "projection rebuilt");
        await line({ result });
      } catch (err) {
        // The 200 is already sent: the failure is the stream's last line, as a problem.
        const { problem, serverFault } = errorToProblem(err);
        if (serverFault) log.error({ err }, "replay failed");
        await line({ error: problem });
      }
    });
  });

  admin.get("/verify", async function adminVerify(c) {
    const report = await verifyProjection({ db: await openReadModel(deps), store });
    return c.json({ ...report, drift: report.differences.length > 0 });
  });
}
