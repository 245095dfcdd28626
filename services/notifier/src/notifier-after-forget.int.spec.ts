import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalDiskBlobStore } from "@reimagine/blobs";
import type { DomainEvent } from "@reimagine/contracts";
import { forgetRequest } from "@reimagine/operations";
import { loadConfig, silentLogger } from "@reimagine/platform";
import {
  newRequestId,
  openTestStore,
  type SmtpSink,
  sealedRequestFlow,
  startSmtpSink,
  type TestStore,
  waitFor,
} from "@reimagine/testing";
import { openVault, type Vault } from "@reimagine/vault";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAILURE_NOTIFIER_NAME } from "./failure-notice-handler";
import { createMailTransport } from "./mail";
import { NOTIFIER_NAME } from "./notifier-handler";
import { startNotifier } from "./start-notifier";
import { generatedRequest, typesOf } from "./testing/generated-request";

describe("a notifier that runs after a forget (real NATS, real SMTP sink)", () => {
  let t: TestStore;
  let vault: Vault;
  let sink: SmtpSink;
  let dir: string;
  const stops: (() => Promise<unknown> | unknown)[] = [];

  beforeEach(async () => {
    t = await openTestStore();
    vault = await openVault(t.store, { replicas: 1 });
    sink = await startSmtpSink();
    dir = await mkdtemp(join(tmpdir(), "reimagine-forget-"));
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await sink.stop();
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function runNotifier() {
    const config = loadConfig(
      { SMTP_URL: sink.url, MAIL_FROM: "reimagine <no-reply@mail.reimagine.test>", HANDLER_MAX_ATTEMPTS: 3 },
      {},
    );
    const transport = createMailTransport(config, silentLogger);
    const notifier = await startNotifier({ store: t.store, transport, config, logger: silentLogger });
    stops.push(
      () => transport.close(),
      () => notifier.stop(),
    );
  }

  /** True once both of the notifier's consumers have seen the whole log and acknowledged all of it. */
  const drained = async () => {
    const head = await t.store.headPosition();
    for (const consumer of [NOTIFIER_NAME, FAILURE_NOTIFIER_NAME]) {
      const info = await t.store.jsm.consumers.info(t.layout.stream, consumer).catch(() => null);
      if (!info || info.delivered.stream_seq < head || info.num_ack_pending > 0) return false;
    }
    return true;
  };
  const forget = async (id: string) => {
    const blobs = new LocalDiskBlobStore(dir);
    const buckets = { originals: "originals", generated: "generated" };
    await blobs.ensureBuckets(Object.values(buckets));
    await forgetRequest({ store: t.store, vault, blobs, buckets }, id, { requestedBy: "test" });
  };

  it("sends nothing and records nothing for a request forgotten before its email went out", async () => {
    const { id } = await generatedRequest(t.store, { vault, email: "nina@example.com" });
    await forget(id);

    await runNotifier();
    await waitFor(drained, { what: "the notifier to see the whole log" });

    expect(sink.attempts).toBe(0);
    expect(await typesOf(t.store, id)).toEqual([
      "ImageSubmitted",
      "CaptionProduced",
      "ImageGenerated",
      "ErasureCompleted",
    ]);
  });

  it("sends no failure email for a failed request forgotten before it was told", async () => {
    const id = newRequestId();
    await t.store.append(id, await sealedRequestFlow(vault, "failed", id), "no_stream");
    await forget(id);

    await runNotifier();
    await waitFor(drained, { what: "the notifier to see the whole log" });

    expect(sink.attempts).toBe(0);
    expect((await typesOf(t.store, id)).at(-1)).toBe("ErasureCompleted");
  });

  it("fails the notification, saying why and nothing personal, when only the key is gone yet", async () => {
    // a forget under way: the key is erased, ErasureCompleted not appended yet
    const { id } = await generatedRequest(t.store, { vault, email: "nina@example.com" });
    expect(await vault.forget(id)).toBe(true);

    await runNotifier();
    const failed = (await waitFor(async () =>
      (
        await t.store.readRequest(id)
      ).events
        .map((s) => s.event)
        .find((e) => e.type === "NotificationFailed" || e.type === "UserNotified"),
    )) as DomainEvent<"NotificationFailed">;

    expect(failed.type).toBe("NotificationFailed");
    expect(failed.data).toEqual({
      reason: "the person's data was erased",
      attempts: 1,
      smtpCode: null,
      category: "input-missing",
    });
    expect(sink.attempts).toBe(0);
  });
});
