import { createHash } from "node:crypto";
import {
  type DomainEvent,
  FAILURE_SENTENCES,
  newEvent,
  RegisterResponse,
  RequestStatusResponse,
} from "@reimagine/contracts";
import { startTelemetry } from "@reimagine/platform";
import { makeJpeg, makePng, startS3Server, type TestS3Server } from "@reimagine/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { appendImageGenerated, openTestApi, submissionForm, type TestApi } from "../testing/open-test-api";
import { createCommandApi } from "./create-command-api";

let s3: TestS3Server;
let api: TestApi;
let jpeg: Buffer;

beforeAll(async () => {
  s3 = await startS3Server();
  jpeg = await makeJpeg(64, 48);
});
afterAll(() => s3.stop());
beforeEach(async () => {
  api = await openTestApi({ s3, config: { PUBLIC_BASE_URL: "https://reimagine.example.com" } });
});
afterEach(() => api.cleanup());

const post = (form: FormData, headers: Record<string, string> = {}) =>
  api.app.request("/api/v1/register", { method: "POST", body: form, headers });

async function submit(email = "nina@example.com", image = jpeg): Promise<string> {
  const res = await post(submissionForm({ email, image }));
  expect(res.status).toBe(202);
  return RegisterResponse.parse(await res.json()).id;
}

describe("POST /api/v1/register", () => {
  it("stores the original, then appends ImageSubmitted, and answers 202 with Location", async () => {
    // The client claims PNG and a .png name; the bytes are a JPEG, and the bytes win.
    const res = await post(submissionForm({ image: jpeg, filename: "me.png", type: "image/png" }));
    expect(res.status).toBe(202);
    const body = RegisterResponse.parse(await res.json());
    expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(body).toEqual({
      id: body.id,
      status: "pending",
      statusUrl: `https://reimagine.example.com/api/v1/request/${body.id}`,
      cancelToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(res.headers.get("location")).toBe(`/api/v1/request/${body.id}`);

    const key = `${body.id}/original.jpg`;
    expect(await api.objects(api.buckets.originals)).toEqual([key]);
    expect((await api.blobs.getBuffer(api.buckets.originals, key)).equals(jpeg)).toBe(true);
    expect(await api.blobs.stat(api.buckets.originals, key)).toMatchObject({ contentType: "image/jpeg" });

    const events = await api.events();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      type: "ImageSubmitted",
      requestId: body.id,
      data: {
        personal: { sealed: { keyId: body.id, alg: "A256GCM" } },
        originalKey: key,
        contentType: "image/jpeg",
        bytes: jpeg.length,
        width: 64,
        height: 48,
        sha256: createHash("sha256").update(jpeg).digest("hex"),
        // only the hash of the cancel token is kept in the log
        cancelTokenHash: createHash("sha256").update(body.cancelToken!).digest("hex"),
      },
      metadata: { correlationId: body.id },
    });
    expect(JSON.stringify(event)).not.toContain(body.cancelToken);
    expect(event!.metadata.causationId).not.toBe(body.id);
    // the address is in the log only sealed, under the request's own key
    expect(JSON.stringify(event)).not.toContain("nina");
    const { personal } = (event as DomainEvent<"ImageSubmitted">).data;
    expect("sealed" in personal && (await api.vault.open(personal.sealed))).toEqual({
      email: "nina@example.com",
    });
  });

  it("names the stored original after what the bytes are (PNG → .png)", async () => {
    const png = await makePng(20, 10);
    const res = await post(submissionForm({ image: png, filename: "x.jpg", type: "image/jpeg" }));
    const { id } = RegisterResponse.parse(await res.json());
    expect(await api.objects(api.buckets.originals)).toEqual([`${id}/original.png`]);
    expect((await api.events())[0]).toMatchObject({
      data: { contentType: "image/png", width: 20, height: 10 },
    });
  });

  it("carries the caller's trace into the event's metadata", async () => {
    const telemetry = await startTelemetry({ serviceName: "command-api-test" });
    try {
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      const res = await post(submissionForm({ image: jpeg }), {
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      });
      expect(res.status).toBe(202);
      const [event] = await api.events();
      // Same trace, and a span of its own (the API's request span), not the caller's.
      expect(event!.metadata.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(event!.metadata.traceparent).not.toContain("00f067aa0ba902b7");
    } finally {
      await telemetry.stop();
    }
  });
});

describe("Idempotency-Key", () => {
  it("returns the same id and body for the same key and body, storing nothing twice", async () => {
    const headers = { "idempotency-key": "order-42" };
    const first = await post(submissionForm({ image: jpeg }), headers);
    const second = await post(submissionForm({ image: jpeg }), headers);
    expect([first.status, second.status]).toEqual([202, 202]);
    const [a, b] = [await first.json(), await second.json()];
    expect(b).toEqual(a);
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(await api.events()).toHaveLength(1);
    expect(await api.objects(api.buckets.originals)).toHaveLength(1);
  });

  it("gives different keys different requests", async () => {
    await post(submissionForm({ image: jpeg }), { "idempotency-key": "a" });
    await post(submissionForm({ image: jpeg }), { "idempotency-key": "b" });
    expect(await api.events()).toHaveLength(2);
  });

  it("makes one request of two racing submissions with one key", async () => {
    const headers = { "idempotency-key": "race-1" };
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => post(submissionForm({ image: jpeg }), headers)),
    );
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    const ids = new Set(
      await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id)),
    );
    expect(ids.size).toBe(1);
    expect(await api.events()).toHaveLength(1);
    expect(await api.objects(api.buckets.originals)).toHaveLength(1);
  });

  it("refuses the same key with another image (422) without naming the request, and stores nothing for it", async () => {
    const headers = { "idempotency-key": "k-1" };
    const first = await post(submissionForm({ image: jpeg }), headers);
    const { id } = (await first.json()) as { id: string };
    const otherImage = await post(submissionForm({ image: await makeJpeg(32, 32) }), headers);
    expect(otherImage.status).toBe(422);
    expect(otherImage.headers.get("content-type")).toBe("application/problem+json");
    expect(await otherImage.text()).not.toContain(id);
    expect(await api.events()).toHaveLength(1);
    expect(await api.objects(api.buckets.originals)).toHaveLength(1);
  });

  it("never shows one person's request to another sending the same key: keys are scoped by email", async () => {
    const headers = { "idempotency-key": "order-1" };
    const nina = await post(submissionForm({ image: jpeg, email: "nina@example.com" }), headers);
    const { id: ninaId } = (await nina.json()) as { id: string };
    // Other people, the same key: with the same photo, or another one. Each gets a request of their own.
    for (const [email, image] of [
      ["bob@example.com", jpeg],
      ["carol@example.com", await makeJpeg(32, 32)],
    ] as const) {
      const other = await post(submissionForm({ image, email }), headers);
      expect(other.status).toBe(202);
      expect(other.headers.get("idempotent-replayed")).toBeNull();
      expect(await other.text()).not.toContain(ninaId);
    }
    expect(await api.events()).toHaveLength(3);
  });
});

describe("GET /api/v1/request/:id", () => {
  it("answers pending with a masked email right after the 202, with an empty read model", async () => {
    const id = await submit("nina@example.com");
    expect(api.reader.states.size).toBe(0);
    const res = await api.app.request(`/api/v1/request/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-reimagine-source")).toBe("event-log");
    const body = RequestStatusResponse.parse(await res.json());
    const [event] = await api.events();
    expect(body).toEqual({
      id,
      status: "pending",
      email: "n***@example.com",
      caption: null,
      captionedBy: null,
      generatedImageUrl: null,
      generatedBy: null,
      imageExpiredAt: null,
      erasedAt: null,
      error: null,
      createdAt: event!.occurredAt,
      updatedAt: event!.occurredAt,
      history: [{ type: "ImageSubmitted", at: event!.occurredAt }],
    });
  });

  it("answers from the read model once it has the request", async () => {
    const id = await submit();
    const [submitted] = await api.events();
    const captioned = newEvent(
      "CaptionProduced",
      id,
      { caption: "a red boat", model: "m", provider: "offline", latencyMs: 3 },
      { correlationId: id, causationId: submitted!.id },
    );
    api.reader.project(id, [submitted!, captioned]);
    const res = await api.app.request(`/api/v1/request/${id}`);
    expect(res.headers.get("x-reimagine-source")).toBe("read-model");
    expect(await res.json()).toMatchObject({
      status: "captioned",
      caption: "a red boat",
      captionedBy: { model: "m", provider: "offline" },
      generatedImageUrl: null,
    });
  });

  it("shows a failure as its stage, category, safe sentence and attempts, never the provider's text", async () => {
    const id = await submit();
    const [submitted] = await api.events();
    const reason =
      "server error (HTTP 503): upstream 10.0.3.7:8443 https://hf.internal/x?token=abc unavailable";
    const failed = newEvent(
      "CaptionFailed",
      id,
      { reason, attempts: 6, httpStatus: 503 },
      { correlationId: id, causationId: submitted!.id },
    );
    await api.store.append(id, [failed], "any");
    const res = await api.app.request(`/api/v1/request/${id}`);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({
      status: "failed",
      error: {
        stage: "caption",
        category: "model-unavailable",
        message: FAILURE_SENTENCES["model-unavailable"],
        attempts: 6,
      },
    });
    expect(text).not.toMatch(/10\.0\.3\.7|hf\.internal|token|HTTP 503/);
  });

  it("falls back to the event log when the read model is down", async () => {
    const id = await submit();
    api.reader.failure = new Error("connect ECONNREFUSED 127.0.0.1:5432");
    const res = await api.app.request(`/api/v1/request/${id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, status: "pending" });
  });
});

describe("GET /api/v1/request/:id/image", () => {
  async function generate(id: string): Promise<string> {
    const png = await makePng(16, 16);
    const imageKey = `${id}/generated.png`;
    await api.blobs.put(api.buckets.generated, imageKey, png, { contentType: "image/png" });
    await appendImageGenerated(api.store, id, { key: imageKey, bytes: png.length });
    return imageKey;
  }

  it("is 404 until the image is generated, then redirects to a fresh presigned URL", async () => {
    const id = await submit();
    const before = await api.app.request(`/api/v1/request/${id}/image`);
    expect(before.status).toBe(404);
    expect(before.headers.get("content-type")).toBe("application/problem+json");
    expect(await before.json()).toMatchObject({ title: "Image not generated yet", status: 404 });

    await generate(id);
    const status = await (await api.app.request(`/api/v1/request/${id}`)).json();
    expect(status).toMatchObject({
      status: "generated",
      generatedImageUrl: `https://reimagine.example.com/api/v1/request/${id}/image`,
    });

    const after = await api.app.request(`/api/v1/request/${id}/image`);
    expect(after.status).toBe(302);
    expect(after.headers.get("cache-control")).toBe("no-store");
    const location = after.headers.get("location")!;
    expect(location).toContain(`${api.buckets.generated}/${id}/generated.png`);
    expect(location).toContain("X-Amz-Expires=300");
    const fetched = await fetch(location);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(
      await api.blobs.getBuffer(api.buckets.generated, `${id}/generated.png`),
    );
  });

  it("is 404 for an unknown request and 400 for a malformed id", async () => {
    expect((await api.app.request("/api/v1/request/0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b/image")).status).toBe(
      404,
    );
    expect((await api.app.request("/api/v1/request/nope/image")).status).toBe(400);
  });
});

describe("docs and probes", () => {
  it("serves an OpenAPI 3.1 document generated from the schemas", async () => {
    const res = await api.app.request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/v1/register",
      "/api/v1/request/{id}",
      "/api/v1/request/{id}/cancel",
      "/api/v1/request/{id}/events",
      "/api/v1/request/{id}/image",
      "/api/v1/request/{id}/original",
    ]);
    expect(Object.keys(doc.paths["/api/v1/register"]!.post!.responses).sort()).toEqual(
      ["202", "400", "405", "408", "413", "415", "422", "429", "500", "503"].sort(),
    );
    // No credentials on the public routes, said explicitly; HEAD documented next to GET.
    for (const path of ["/api/v1/request/{id}", "/api/v1/request/{id}/image"]) {
      expect(Object.keys(doc.paths[path]!).sort()).toEqual(["get", "head"]);
    }
    for (const op of Object.values(doc.paths).flatMap((p) => Object.values(p))) {
      expect((op as { security?: unknown }).security).toEqual([]);
    }
    const tooMany = doc.paths["/api/v1/register"]!.post!.responses["429"] as {
      headers: Record<string, unknown>;
    };
    expect(Object.keys(tooMany.headers)).toEqual(
      expect.arrayContaining(["Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]),
    );
    expect(Object.keys(doc.components.schemas).sort()).toEqual([
      "CancelRequest",
      "Problem",
      "RegisterResponse",
      "RequestEvent",
      "RequestStatus",
    ]);
    // the status says which model and provider made the caption and the image
    const status = JSON.stringify(doc.components.schemas.RequestStatus);
    for (const field of ["captionedBy", "generatedBy"]) expect(status).toContain(`"${field}"`);
    expect(status).toContain("The model that made the caption");
    expect(status).toContain('\\"offline\\" (the demo mode');
    expect(Object.keys(doc.paths["/api/v1/request/{id}/events"]!.get!.responses).sort()).toEqual(
      ["200", "204", "400", "404", "405", "429", "500", "503"].sort(),
    );
  });

  it("serves the interactive reference at /docs", async () => {
    const res = await api.app.request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain('src="/assets/docs.js"');
    expect(await (await api.app.request("/assets/docs.js")).text()).toContain('url: "/openapi.json"');
  });

  it("is alive and ready when NATS, S3 and the read model answer, and degraded (still ready) without the read model", async () => {
    expect((await api.app.request("/healthz")).status).toBe(200);
    const ready = await api.app.request("/readyz");
    expect(await ready.json()).toEqual({
      status: "ready",
      checks: { nats: "ok", blobs: "ok", eventLog: "ok", readModel: "ok" },
    });
    api.reader.failure = new Error("connect ECONNREFUSED postgres://reimagine:***@db.internal:5432/rm");
    const degraded = await api.app.request("/readyz");
    api.reader.failure = null;
    expect(degraded.status).toBe(200);
    expect(await degraded.json()).toEqual({
      status: "degraded",
      checks: { nats: "ok", blobs: "ok", eventLog: "ok", readModel: "degraded" },
    });
  });

  it("stays ready (degraded) while the stream has no leader but the NATS server answers: an election", async () => {
    const store = Object.create(api.store) as typeof api.store;
    store.headPosition = () => Promise.reject(new Error("no responders: stream leader being elected"));
    const res = await createCommandApi({ ...api.deps, store }).request("/readyz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "degraded",
      checks: { nats: "ok", blobs: "ok", eventLog: "degraded", readModel: "ok" },
    });
  });

  it("is not ready when the event log does not answer, whatever the read model says", async () => {
    const app = createCommandApi({
      ...api.deps,
      checks: {
        nats: async () => {
          throw new Error("no responders at nats://10.4.4.4:4222");
        },
        blobs: async () => undefined,
      },
    });
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: "not ready",
      checks: { nats: "down", blobs: "ok", eventLog: "ok", readModel: "ok" },
    });
  });
});
