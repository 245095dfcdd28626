import { type Captioner, createCaptioner, startCaptionHandler } from "@reimagine/caption-handler";
import { createCommandApi, createInMemoryIdempotencyStore } from "@reimagine/command-api";
import { MemoryReader } from "@reimagine/command-api/testing";
import { type AnyDomainEvent, causedBy, newEvent, RegisterResponse } from "@reimagine/contracts";
import {
  createImageGenerator,
  type ImageGenerator,
  startGenerationHandler,
} from "@reimagine/generation-handler";
import { createMailTransport, startNotifier } from "@reimagine/notifier";
import { type Config, type Stoppable, silentLogger } from "@reimagine/platform";
import {
  makeJpeg,
  openStageHarness,
  type SmtpSink,
  type StageHarness,
  sealedRequestFlow,
  startSmtpSink,
} from "@reimagine/testing";
import { openVault, type Vault } from "@reimagine/vault";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/** A point a stage's work stops at until the test lets it go on. */
function gate() {
  let arrive!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { reached, opened, arrive, open };
}

/** The same client, its `method` held at `g` before doing the real work. */
function held<T extends object>(client: T, method: keyof T, g: ReturnType<typeof gate>): T {
  const wrapped = Object.create(client) as T;
  const real = client[method] as (...args: unknown[]) => Promise<unknown>;
  (wrapped as Record<keyof T, unknown>)[method] = async (...args: unknown[]) => {
    g.arrive();
    await g.opened;
    return real.apply(client, args);
  };
  return wrapped;
}

describe("cancel in the middle of the pipeline (real NATS, S3 and SMTP; offline models)", () => {
  let h: StageHarness;
  let sink: SmtpSink;
  let config: Config;
  let vault: Vault;
  beforeEach(async () => {
    h = await openStageHarness();
    vault = await openVault(h.store, { replicas: 1 });
    sink = await startSmtpSink();
    config = h.configWith({
      HF_TOKEN: undefined,
      HF_CAPTION_ENDPOINT_URL: undefined,
      HF_GENERATION_ENDPOINT_URL: undefined,
      SMTP_URL: sink.url,
      MAIL_FROM: "reimagine <no-reply@mail.reimagine.test>",
      PUBLIC_BASE_URL: "https://reimagine.example.com",
      RATE_LIMIT_PER_MINUTE: 0,
      HANDLER_CONCURRENCY: 1,
    });
  });
  afterEach(async () => {
    await h.cleanup();
    await sink.stop();
  });

  /** Starts the three stages with the given clients; returns each one's handle. */
  async function pipeline(captioner: Captioner, generator: ImageGenerator) {
    const deps = { store: h.store, blobs: h.blobs, config, logger: silentLogger };
    const transport = createMailTransport(config, silentLogger);
    const parts = {
      caption: h.track(await startCaptionHandler({ ...deps, captioner })),
      generation: h.track(await startGenerationHandler({ ...deps, generator })),
      notifier: h.track(
        await startNotifier({ store: h.store, vault, transport, config, logger: silentLogger }),
      ),
    };
    h.track({ name: "mail transport", stop: () => transport.close() });
    return parts;
  }

  const api = () =>
    createCommandApi({
      config,
      store: h.store,
      blobs: h.blobs,
      reader: new MemoryReader(),
      idempotency: createInMemoryIdempotencyStore(),
      vault,
      logger: silentLogger,
    });

  async function submitThroughApi(app: ReturnType<typeof api>): Promise<RegisterResponse> {
    const form = new FormData();
    form.set("image", new Blob([await makeJpeg(64, 48)]), "photo.jpg");
    form.set("email", "nina@example.com");
    const res = await app.request("/api/v1/register", { method: "POST", body: form });
    expect(res.status).toBe(202);
    return RegisterResponse.parse(await res.json());
  }

  const cancelThroughApi = (app: ReturnType<typeof api>, request: RegisterResponse) =>
    app.request(`/api/v1/request/${request.id}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cancelToken: request.cancelToken }),
    });

  /** Stops a stage: it finishes what it holds first, so whatever it would record is in the log. */
  const settle = (part: Stoppable) => part.stop();
  const typesOf = async (id: string) => (await h.events(id)).map((e) => e.type);

  it("while captioning: the caption is not recorded, nothing is generated, no email is sent", async () => {
    const captioning = gate();
    const generate = { n: 0 };
    const offline = createImageGenerator(config);
    const generator = Object.assign(Object.create(offline), {
      generate: (...args: Parameters<ImageGenerator["generate"]>) => {
        generate.n++;
        return offline.generate(...args);
      },
    }) as ImageGenerator;
    const parts = await pipeline(held(createCaptioner(config), "caption", captioning), generator);
    const app = api();
    const request = await submitThroughApi(app);
    await captioning.reached;

    const res = await cancelThroughApi(app, request);
    expect(res.status).toBe(200);
    captioning.open();
    await settle(parts.caption);

    expect(await typesOf(request.id)).toEqual(["ImageSubmitted", "CancelRequested"]);
    expect((await h.state(request.id)).status).toBe("cancelled");
    expect(generate.n).toBe(0);
    expect(sink.attempts).toBe(0);
  });

  it("while generating: the image is not recorded and is removed again, no email is sent", async () => {
    const generating = gate();
    const parts = await pipeline(
      createCaptioner(config),
      held(createImageGenerator(config), "generate", generating),
    );
    const app = api();
    const request = await submitThroughApi(app);
    await generating.reached;

    expect((await cancelThroughApi(app, request)).status).toBe(200);
    generating.open();
    await settle(parts.generation);

    expect(await typesOf(request.id)).toEqual(["ImageSubmitted", "CaptionProduced", "CancelRequested"]);
    // the stage kit's discard: an image no event names does not stay behind
    expect(await h.blobs.stat(config.S3_BUCKET_GENERATED, `${request.id}/generated-0.png`)).toBeNull();
    await settle(parts.notifier);
    expect(sink.attempts).toBe(0);
  });

  it("after the image, before the email: the notifier sends nothing for the cancelled request", async () => {
    const cancelled = await sealedRequestFlow(vault, "generated");
    const generated = cancelled.at(-1)!;
    const cancel = newEvent(
      "CancelRequested",
      generated.requestId,
      { previousStatus: "generated" },
      causedBy(generated),
    ) as AnyDomainEvent;
    await h.store.append(generated.requestId, [...cancelled, cancel], "no_stream");
    // a request behind it in the log, whose email shows the notifier got past the cancelled one
    const other = await sealedRequestFlow(vault, "generated");
    await h.store.append(other[0]!.requestId, other, "no_stream");
    // started after the appends: a multi-event append is not atomic on JetStream, and a notifier
    // running meanwhile could read the request between its ImageGenerated and its cancel
    const parts = await pipeline(createCaptioner(config), createImageGenerator(config));
    await h.waitForEvent(other[0]!.requestId, "UserNotified");
    await settle(parts.notifier);
    expect(sink.messages.map((m) => m.parsed.headers.get("x-reimagine-request-id"))).toEqual([
      other[0]!.requestId,
    ]);
    expect((await typesOf(generated.requestId)).at(-1)).toBe("CancelRequested");
  });
});
