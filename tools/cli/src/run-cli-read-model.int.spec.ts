import type { StoredEvent } from "@reimagine/eventstore";
import { projectBatch, requestsProjection } from "@reimagine/readmodel";
import {
  imageSubmitted,
  newRequestId,
  openTestDatabase,
  openTestStore,
  sealedRequestFlow,
  type TestDatabase,
  type TestStore,
  testDatabaseUrl,
} from "@reimagine/testing";
import { openVault } from "@reimagine/vault";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliAgainst } from "./testing/run-cli-against";

describe("reimagine CLI with the read model (real NATS and Postgres)", () => {
  let t: TestStore;
  let d: TestDatabase;
  beforeEach(async () => {
    [t, d] = await Promise.all([openTestStore(), openTestDatabase()]);
  });
  afterEach(async () => Promise.all([t.cleanup(), d.cleanup()]));

  const cli = (...argv: string[]) =>
    // the test's schema first in search_path, as a deployment would set it in the URL
    cliAgainst(t, {
      DATABASE_URL: `${testDatabaseUrl()}?options=${encodeURIComponent(`-c search_path=${d.schema}`)}`,
    })(...argv);

  /** Appends a submitted-then-failed request and projects the whole log, as the projector would. */
  async function failedAndProjected(): Promise<string> {
    const id = newRequestId();
    await t.store.append(
      id,
      await sealedRequestFlow(await openVault(t.store, { replicas: 1 }), "failed", id, new Date(), {
        email: "nina@example.com",
      }),
      "no_stream",
    );
    const all: StoredEvent[] = [];
    for await (const s of t.store.readAll()) all.push(s);
    await projectBatch(d.db, requestsProjection, all);
    return id;
  }

  it("status shows the projected request, masked, and falls back to the log before projection", async () => {
    const id = await failedAndProjected();
    const status = await cli("status", id);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(new RegExp(`${id}: failed\\s+\\(from the read model\\)`));
    expect(status.out).toContain("n***@example.com");
    expect(status.out).toContain("generation after 6 attempt(s): HTTP 503 model loading");
    const json = JSON.parse((await cli("status", id, "--json")).out);
    expect(json).toMatchObject({ id, status: "failed", email: "n***@example.com" });

    const fresh = newRequestId();
    await t.store.append(fresh, [imageSubmitted(fresh)], "no_stream");
    expect((await cli("status", fresh)).out).toMatch(
      /pending\s+\(from the event log \(not yet projected\)\)/,
    );
    expect((await cli("status", newRequestId())).code).toBe(1);
  });

  it("verify passes on a faithful read model and exits 1 on drift; replay repairs it", async () => {
    const id = await failedAndProjected();
    expect(await cli("verify")).toMatchObject({ code: 0 });
    await sql`update requests set status = 'notified' where request_id = ${id}`.execute(d.db);
    const drift = await cli("verify");
    expect(drift.code).toBe(1);
    expect(drift.out).toMatch(new RegExp(`${id}\\s+status: expected "failed", found "notified"`));
    expect(drift.err).toContain("the read model has drifted from the log");

    const replay = await cli("replay");
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(/rebuilt requests: 3 event\(s\), 1 request\(s\)/);
    expect(await cli("verify")).toMatchObject({ code: 0 });
    expect((await cli("replay", "--projection", "nope")).code).toBe(2);
  });

  it("retry --failed retries every failed request, --since filters", async () => {
    const a = await failedAndProjected();
    const b = await failedAndProjected();
    expect((await cli("retry", "--failed", "--since", "2h")).out).toContain(
      "2 of 2 failed request(s) retried",
    );
    for (const id of [a, b]) {
      expect((await t.store.readRequest(id)).events.at(-1)!.event.type).toBe("RetryRequested");
    }
    const none = await cli("retry", "--failed", "--since", "2999-01-01T00:00:00Z");
    expect(none.out).toContain("0 of 0 failed request(s) retried");
    expect((await cli("retry", "--failed", "--since", "yesterday-ish")).code).toBe(2);
  });

  it("status falls back to the log while Postgres is down, like the API; verify says why it cannot", async () => {
    const id = await failedAndProjected();
    const down = cliAgainst(t, { DATABASE_URL: "postgres://postgres@127.0.0.1:1/test" });
    const status = await down("status", id);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(
      new RegExp(
        `${id}: failed\\s+\\(from the event log \\(read model unavailable: cannot reach the read-model database`,
      ),
    );
    const verify = await down("verify");
    expect(verify.code).toBe(1);
    expect(verify.err).toMatch(
      /^reimagine: cannot reach the read-model database at postgres:\/\/postgres@127\.0\.0\.1:1\/test/,
    );
    expect(verify.err.split("\n")).toHaveLength(1);
  });
});
