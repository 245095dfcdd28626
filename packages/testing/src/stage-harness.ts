import type { BlobStore } from "@reimagine/blobs";
import { createBlobStore } from "@reimagine/blobs";
import type {
  AnyDomainEvent,
  DomainEvent,
  EventType,
  ImageContentType,
  RequestState,
} from "@reimagine/contracts";
import type { StoredEvent } from "@reimagine/eventstore";
import { connectNats, JetStreamEventStore, type NatsConnection } from "@reimagine/eventstore";
import type { Stoppable } from "@reimagine/platform";
import { type Config, loadConfig } from "@reimagine/platform";
import { stateOf } from "@reimagine/reactor";
import { captionProduced, imageSubmitted, newRequestId } from "./events";
import { type FakeHfServer, startFakeHfServer } from "./fake-hf-server";
import { makeJpeg } from "./image-fixtures";
import { openTestStore, type TestStore, testNatsUrl } from "./nats";
import { startS3Server, type TestS3Server } from "./s3-server";
import { waitFor } from "./wait-for";

/** The token the fake HF server accepts; any other gets HF's 401. */
export const STAGE_TEST_TOKEN = "hf_stageharnesstoken7";

/** Real NATS (fresh streams), s3rver and the fake HF server, wired the way a stage service is. */
export interface StageHarness {
  store: JetStreamEventStore;
  blobs: BlobStore;
  hf: FakeHfServer;
  /** HF (imageToText captions) pointed at the fake server, s3rver, 3 attempts, a fast backoff, quiet logs. */
  config: Config;
  /** `config` with some variables changed (e.g. no HF token, for the offline provider). */
  configWith(overrides: Record<string, string | number | undefined>): Config;
  /** Stops this (a started handler) at cleanup, before the streams go. */
  track(part: Stoppable): Stoppable;
  /** Stores an original (a small JPEG unless given) and appends its ImageSubmitted, as the command API does. */
  submit(original?: {
    bytes: Buffer;
    contentType: ImageContentType;
  }): Promise<StoredEvent<DomainEvent<"ImageSubmitted">>>;
  /** A submitted request with its CaptionProduced appended: where generation is due. */
  submitCaptioned(caption?: string): Promise<StoredEvent<DomainEvent<"CaptionProduced">>>;
  events(requestId: string): Promise<AnyDomainEvent[]>;
  state(requestId: string): Promise<RequestState>;
  /** Waits until the request has an event of `type` and returns the first. */
  waitForEvent<T extends EventType>(requestId: string, type: T): Promise<DomainEvent<T>>;
  /** Another connection and store on the same streams: a second instance, as in another process. */
  openPeerStore(): Promise<JetStreamEventStore>;
  cleanup(): Promise<void>;
}

/** Starts everything a stage integration test needs; `cleanup()` stops and deletes it all. */
export async function openStageHarness(): Promise<StageHarness> {
  const started: { t?: TestStore; s3?: TestS3Server; hf?: FakeHfServer } = {};
  const parts: Stoppable[] = [];
  const peers: NatsConnection[] = [];
  const cleanup = async () => {
    await Promise.allSettled(parts.splice(0).map((p) => p.stop()));
    await Promise.allSettled(peers.splice(0).map((nc) => nc.close()));
    await Promise.allSettled([started.t?.cleanup(), started.s3?.stop(), started.hf?.close()]);
  };
  try {
    const t = await openTestStore();
    started.t = t;
    const s3 = await startS3Server();
    started.s3 = s3;
    const hf = await startFakeHfServer({ token: STAGE_TEST_TOKEN });
    started.hf = hf;
    const base = {
      LOG_LEVEL: "silent",
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET_ORIGINALS: "test-originals",
      S3_BUCKET_GENERATED: "test-generated",
      HF_TOKEN: STAGE_TEST_TOKEN,
      HF_CAPTION_MODE: "imageToText",
      HF_CAPTION_ENDPOINT_URL: hf.endpoints.imageToText,
      HF_GENERATION_ENDPOINT_URL: hf.endpoints.textToImage,
      HF_TIMEOUT_MS: 5000,
      HANDLER_CONCURRENCY: 4,
      HANDLER_MAX_ATTEMPTS: 3,
      HANDLER_ACK_WAIT_MS: 5000,
      HANDLER_BACKOFF_BASE_MS: 20,
      HANDLER_BACKOFF_MAX_MS: 100,
      SHUTDOWN_GRACE_MS: 1000,
    };
    // The environment is left out so that nothing outside the test changes what it runs against.
    const configWith = (overrides: Record<string, string | number | undefined>) => {
      const merged: Record<string, string | number | undefined> = { ...base, ...overrides };
      for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete merged[k];
      return loadConfig(merged, {});
    };
    const config = configWith({});
    const blobs = createBlobStore(config);
    await blobs.ensureBuckets([config.S3_BUCKET_ORIGINALS, config.S3_BUCKET_GENERATED]);
    const original = await makeJpeg(96, 64, { r: 30, g: 90, b: 200 });
    const { store } = t;

    const append = async <E extends AnyDomainEvent>(event: E): Promise<StoredEvent<E>> => {
      const { positions } = await store.append(event.requestId, [event], "any");
      return { event, position: positions[0]! };
    };
    const events = async (requestId: string) =>
      (await store.readRequest(requestId)).events.map((s) => s.event);

    const submit = async (given?: { bytes: Buffer; contentType: ImageContentType }) => {
      const requestId = newRequestId();
      const event = imageSubmitted(requestId);
      await blobs.put(config.S3_BUCKET_ORIGINALS, event.data.originalKey, given?.bytes ?? original, {
        contentType: given?.contentType ?? "image/jpeg",
      });
      return append(event);
    };

    return {
      store,
      blobs,
      hf,
      config,
      configWith,
      track: (part) => {
        parts.push(part);
        return part;
      },
      submit,
      submitCaptioned: async (caption) => append(captionProduced((await submit()).event, caption)),
      events,
      state: async (requestId) => stateOf(requestId, await store.readRequest(requestId)),
      waitForEvent: async <T extends EventType>(requestId: string, type: T) =>
        (await waitFor(async () => (await events(requestId)).find((e) => e.type === type), {
          what: `${type} for ${requestId}`,
        })) as DomainEvent<T>,
      openPeerStore: async () => {
        const nc = await connectNats(testNatsUrl(), "reimagine-test-peer");
        peers.push(nc);
        return JetStreamEventStore.open(nc, t.layout, { replicas: 1, duplicateWindowMs: 60_000 });
      },
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** The same client with `method` counted in `calls.n`: which instance did the work. */
export function countCalls<T extends object, K extends keyof T>(
  target: T,
  method: K,
  calls: { n: number },
): T {
  const original = target[method] as (...args: unknown[]) => unknown;
  const counted = (...args: unknown[]) => {
    calls.n++;
    return original.apply(target, args);
  };
  return { ...target, [method]: counted };
}
