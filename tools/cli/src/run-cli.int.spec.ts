import { loadConfig } from "@reimagine/platform";
import {
  newRequestId,
  openTestStore,
  requestFlow,
  sealedRequestFlow,
  type TestStore,
} from "@reimagine/testing";
import { openVault } from "@reimagine/vault";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCliContext } from "./cli-context";
import { runCli } from "./run-cli";
import { cliAgainst } from "./testing/run-cli-against";

describe("reimagine CLI against a real NATS", () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(async () => t.cleanup());

  const cli = (...argv: string[]) => cliAgainst(t)(...argv);

  async function failedRequest() {
    const id = newRequestId();
    await t.store.append(
      id,
      await sealedRequestFlow(await openVault(t.store, { replicas: 1 }), "failed", id, new Date(), {
        email: "nina@example.com",
      }),
      "no_stream",
    );
    return id;
  }

  it("events <id> prints the timeline, --json the events", async () => {
    const id = await failedRequest();
    const text = await cli("events", id);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/ImageSubmitted.*n\*\*\*@example\.com/);
    expect(text.out).toMatch(/generation\s+GenerationFailed\s+after 6 attempt\(s\), HTTP 503/);
    const json = await cli("events", id, "--json");
    const events = JSON.parse(json.out) as { type: string; position: number }[];
    expect(events.map((e) => e.type)).toEqual(["ImageSubmitted", "CaptionProduced", "GenerationFailed"]);
  });

  it("events and status show a cancelled request; retry refuses it", async () => {
    const id = newRequestId();
    const vault = await openVault(t.store, { replicas: 1 });
    await t.store.append(id, await sealedRequestFlow(vault, "cancelled", id), "no_stream");
    expect((await cli("events", id)).out).toMatch(
      /cancel\s+CancelRequested\s+cancelled by its owner while captioned/,
    );
    const status = await cli("status", id, "--json");
    expect(JSON.parse(status.out)).toMatchObject({ status: "cancelled", error: null });
    expect((await cli("retry", id)).err).toMatch(/has not failed \(status: cancelled\)/);
  });

  it("reading creates nothing: no key bucket, no durable consumer", async () => {
    const id = newRequestId();
    await t.store.append(id, requestFlow("failed", id), "no_stream");
    for (const verb of ["events", "status"]) expect((await cli(verb, id)).code).toBe(0);
    const bucket = await t.store.jsm.streams.info(`KV_${t.layout.stream}_keys`).then(
      () => "exists",
      () => "absent",
    );
    expect(bucket).toBe("absent");
    // reading uses ordered consumers, which the server drops by itself; never a durable one
    const durable: string[] = [];
    for await (const c of t.store.jsm.consumers.list(t.layout.stream)) {
      if (c.config.durable_name) durable.push(c.config.durable_name);
    }
    expect(durable).toEqual([]);
  });

  it("an unknown id is a one-line failure (exit 1), a malformed one a usage error (exit 2)", async () => {
    const unknown = await cli("events", newRequestId());
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^reimagine: no request with id [0-9a-f-]+$/);
    const malformed = await cli("events", "x'; drop table requests;--");
    expect(malformed.code).toBe(2);
    expect(malformed.err.split("\n")).toHaveLength(1);
  });

  it("retry <id> appends RetryRequested for the failed stage and refuses when not failed", async () => {
    const id = await failedRequest();
    const first = await cli("retry", id, "--reason", "model is back");
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toMatch(/retry of generation requested/);
    const history = await t.store.readRequest(id);
    expect(history.events.at(-1)!.event).toMatchObject({
      type: "RetryRequested",
      data: { stage: "generation", reason: "model is back" },
    });
    const again = await cli("retry", id);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/has not failed \(status: captioned\)/);
  });

  it("export writes the log as JSON lines; import refuses a store that is not empty", async () => {
    await failedRequest();
    const chunks: string[] = [];
    const { exportLog } = await import("@reimagine/operations");
    await exportLog(t.store, (l) => void chunks.push(l));
    expect(chunks).toHaveLength(3);
    const refused = await cli("import", "/dev/null");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/already holds 3 events/);
  });

  it("dead-letters lists nothing on a clean log; requeue of an unknown id fails", async () => {
    expect((await cli("dead-letters")).out).toBe("no dead letters");
    const r = await cli("dead-letters", "requeue", "999");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no dead letter with id 999/);
  });

  it("prints help for every command and exits 2 on usage errors", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(0);
    for (const verb of [
      "events",
      "status",
      "submit",
      "replay",
      "verify",
      "retry",
      "dead-letters",
      "export",
      "import",
    ]) {
      expect(help.out).toContain(verb);
    }
    expect((await cli("retry")).code).toBe(2);
    expect((await cli("frobnicate")).code).toBe(2);
    expect((await cli("submit", "x.jpg")).code).toBe(2); // --email missing
  });

  it("says clearly when NATS is down", async () => {
    const config = loadConfig({ NATS_URL: "nats://127.0.0.1:1" }, {});
    const err: string[] = [];
    const code = await runCli(
      ["events", newRequestId()],
      createCliContext({ config, out: () => {}, err: (l) => err.push(l) }),
    );
    expect(code).toBe(1);
    expect(err).toEqual([
      expect.stringMatching(/^reimagine: cannot connect to NATS at nats:\/\/127\.0\.0\.1:1/),
    ]);
  });
});
