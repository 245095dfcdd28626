import { pingDatabase } from "@reimagine/readmodel";
import type { CommandApiDeps } from "../app/command-api-deps";
import { ProblemError } from "../http/problem-error";
import { retryAfter } from "../http/problem-response";
import type { ReadModelDb } from "./read-model-access";

/**
 * The read-model database for one admin request, proven to answer: a Postgres outage (or an API
 * started without a read model) is a 503 before any work starts, never a half-done stream.
 */
export async function openReadModel(deps: Pick<CommandApiDeps, "readModel">): Promise<ReadModelDb> {
  if (!deps.readModel) {
    throw new ProblemError("dependency-unavailable", "this API instance has no read model configured", {
      headers: retryAfter(5),
    });
  }
  try {
    const db = await deps.readModel.db();
    await pingDatabase(db);
    return db;
  } catch (cause) {
    throw new ProblemError("dependency-unavailable", "the read model (Postgres) is unavailable", {
      cause,
      headers: retryAfter(5),
    });
  }
}
