import { JetStreamEventStore, listDeadLetters, requeueDeadLetter } from "@reimagine/eventstore";
import type { Hono } from "hono";
import type { AppEnv } from "../app/app-env";
import type { CommandApiDeps } from "../app/command-api-deps";
import { ProblemError } from "../http/problem-error";

/** Dead letters live in a JetStream stream beside the log; another store has none to show. */
function jetStream(deps: CommandApiDeps): JetStreamEventStore {
  if (deps.store instanceof JetStreamEventStore) return deps.store;
  throw new ProblemError("dependency-unavailable", "dead letters need the JetStream event store");
}

/** GET /dead-letters and POST /dead-letters/:id/requeue: events a handler gave up on. */
export function mountDeadLetterRoutes(admin: Hono<AppEnv>, deps: CommandApiDeps): void {
  admin.get("/dead-letters", async function adminDeadLetters(c) {
    return c.json({ deadLetters: await listDeadLetters(jetStream(deps)) });
  });

  admin.post("/dead-letters/:id/requeue", async function adminRequeue(c) {
    const raw = c.req.param("id");
    const id = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id) || id <= 0) {
      throw new ProblemError("malformed-request", `not a dead-letter id: ${raw}`);
    }
    return c.json({ requeued: await requeueDeadLetter(jetStream(deps), id) });
  });
}
