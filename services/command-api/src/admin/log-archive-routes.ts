import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { exportLog, importLog, readLines } from "@reimagine/operations";
import type { Hono } from "hono";
import { stream } from "hono/streaming";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { ProblemError } from "../http/problem-error";
import { sinceQuery } from "./request-input";

const NDJSON = "application/x-ndjson";

/** GET /export (the log as NDJSON, streamed) and POST /import (an archive into an empty store). */
export function mountLogArchiveRoutes(admin: Hono<AppEnv>, deps: CommandApiDeps): void {
  const { store } = deps;

  admin.get("/export", async function adminExport(c) {
    const since = sinceQuery(c.req.query("since"));
    // Once streaming has begun the status is sent: an unreachable log must be a 503 before that.
    await store.headPosition();
    const log = c.var.log;
    c.header("content-type", NDJSON);
    c.header("cache-control", "no-store");
    return stream(
      c,
      async function exportStream(s) {
        const aborted = new AbortController();
        s.onAbort(() => aborted.abort());
        const count = await exportLog(
          store,
          async (line) => {
            await s.write(`${line}\n`);
          },
          {
            since,
            signal: aborted.signal,
          },
        );
        log.info({ count, since }, "log exported");
      },
      async (err, s) => {
        // The client sees a truncated stream; the log says why.
        log.error({ err }, "export failed midway");
        s.abort();
      },
    );
  });

  admin.post("/import", async function adminImport(c) {
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== NDJSON) {
      throw new ProblemError("unsupported-media-type", `the archive must be sent as ${NDJSON}`);
    }
    const body = c.req.raw.body;
    const lines = body ? readLines(Readable.fromWeb(body as WebReadableStream<Uint8Array>)) : [];
    const result = await importLog(store, lines);
    c.var.log.info(result, "log imported");
    return c.json(result);
  });
}
