import { FAILURE_SENTENCES, newEvent, RegisterResponse, RequestStatusResponse } from "@reimagine/contracts";
import { expireRequestImages } from "@reimagine/operations";
import { makeJpeg, makePng, startS3Server, type TestS3Server } from "@reimagine/testing";
import { KeyStoreUnavailableError, type Vault } from "@reimagine/vault";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAdminApi } from "../admin/create-admin-api";
import { appendImageGenerated, openTestApi, submissionForm, type TestApi } from "../testing/open-test-api";
import { createCommandApi } from "./create-command-api";

const TOKEN = "privacy-admin-token-0123456789abcdef";
const AUTH = { authorization: `Bearer ${TOKEN}` };

let s3: TestS3Server;
let api: TestApi;
let adminApp: NonNullable<ReturnType<typeof createAdminApi>>;
let jpeg: Buffer;

beforeAll(async () => {
  s3 = await startS3Server();
  jpeg = await makeJpeg(32, 24);
});
afterAll(() => s3.stop());
beforeEach(async () => {
  api = await openTestApi({ s3, config: { ADMIN_TOKEN: TOKEN, PUBLIC_BASE_URL: "https://r.example" } });
  adminApp = createAdminApi(api.deps)!;
});
afterEach(() => api.cleanup());

async function submit(email: string): Promise<string> {
  const res = await api.app.request("/api/v1/register", {
    method: "POST",
    body: submissionForm({ email, image: jpeg }),
  });
  expect(res.status).toBe(202);
  return RegisterResponse.parse(await res.json()).id;
}

/** Captioned and generated, with the image stored, as the handlers would leave it. */
async function generated(email: string): Promise<string> {
  const id = await submit(email);
  const [submitted] = await api.events();
  const cause = (await api.store.readRequest(id)).events.at(-1)!.event;
  await api.store.append(
    id,
    [
      newEvent(
        "CaptionProduced",
        id,
        { caption: "a woman with a red umbrella", model: "m", provider: "offline", latencyMs: 1 },
        { correlationId: id, causationId: (submitted ?? cause).id },
      ),
    ],
    "any",
  );
  const png = await makePng(8, 8);
  await api.blobs.put(api.buckets.generated, `${id}/generated-0.png`, png, { contentType: "image/png" });
  await appendImageGenerated(api.store, id, { key: `${id}/generated-0.png`, bytes: png.length });
  return id;
}

const admin = (path: string, body?: unknown) =>
  adminApp.request(`/admin/v1${path}`, {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const status = async (id: string) =>
  RequestStatusResponse.parse(await (await api.app.request(`/api/v1/request/${id}`)).json());

describe("forget through the admin API", () => {
  it("erases a request: its images, its key; the status says erased and the image is gone (410)", async () => {
    const id = await generated("nina@example.com");
    expect((await api.app.request(`/api/v1/request/${id}/image`)).status).toBe(302);
    expect((await status(id)).email).toBe("n***@example.com");

    const res = await admin(`/requests/${id}/forget`, { requestedBy: "dpo" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      requestId: id,
      alreadyErased: false,
      keyErased: true,
      removed: [
        { bucket: "originals", key: `${id}/original.jpg` },
        { bucket: "generated", key: `${id}/generated-0.png` },
      ],
      clearTextInLog: false,
      eventId: expect.any(String),
    });
    expect(await api.objects(api.buckets.originals)).toEqual([]);
    expect(await api.objects(api.buckets.generated)).toEqual([]);

    const body = await status(id);
    expect(body).toMatchObject({
      status: "erased",
      email: "erased",
      caption: null,
      generatedImageUrl: null,
      erasedAt: expect.any(String),
    });
    const image = await api.app.request(`/api/v1/request/${id}/image`);
    expect(image.status).toBe(410);
    expect(await image.json()).toMatchObject({ type: "urn:reimagine:problem:request-erased", status: 410 });
    const unmasked = await adminApp.request(`/admin/v1/requests/${id}/status`, { headers: AUTH });
    expect(await unmasked.json()).toMatchObject({ status: "erased", email: "erased" });

    // again: nothing new
    expect(await (await admin(`/requests/${id}/forget`)).json()).toMatchObject({
      alreadyErased: true,
      keyErased: false,
      removed: [],
      eventId: null,
    });
    expect((await api.events()).filter((e) => e.type === "ErasureCompleted")).toHaveLength(1);
  });

  it("erases every request of an address given in the body, and refuses bad bodies", async () => {
    const [a, b] = [await submit("ann@example.com"), await submit("Ann@Example.com")];
    const other = await submit("bob@example.com");
    const res = await admin("/forget", { email: "ANN@example.com" });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { requests: { requestId: string }[]; scannedEvents: number };
    expect(report.requests.map((r) => r.requestId).sort()).toEqual([a, b].sort());
    expect(report.scannedEvents).toBe(3);
    expect((await status(other)).status).toBe("pending");
    for (const bad of [{}, { email: 5 }, { email: "a@b.c", extra: 1 }]) {
      const refused = await admin("/forget", bad);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ type: "urn:reimagine:problem:malformed-request" });
    }
    expect((await adminApp.request("/admin/v1/forget", { method: "POST", body: "{}" })).status).toBe(401);
  });
});

describe("expired images", () => {
  it("the status says when the images expired, and the image link answers 410", async () => {
    const id = await generated("nina@example.com");
    const later = new Date(Date.now() + 31 * 24 * 3600 * 1000);
    const deps = { store: api.store, blobs: api.blobs, buckets: api.buckets };
    const expired = await expireRequestImages(deps, id, { retentionDays: 30, now: later });
    expect(expired?.data.removed).toHaveLength(2);

    const body = await status(id);
    // its email never went out: a stage that can no longer run fails instead of waiting for ever
    expect(body).toMatchObject({
      status: "failed",
      error: {
        stage: "notification",
        category: "input-missing",
        message: FAILURE_SENTENCES["input-missing"],
      },
      imageExpiredAt: expired!.occurredAt,
      erasedAt: null,
    });
    expect(body.generatedImageUrl).toBe(`https://r.example/api/v1/request/${id}/image`);
    const image = await api.app.request(`/api/v1/request/${id}/image`);
    expect(image.status).toBe(410);
    expect(await image.json()).toMatchObject({ type: "urn:reimagine:problem:image-expired" });
    // nothing can run again without the images
    const retry = await admin(`/requests/${id}/retry`);
    expect(retry.status).toBe(409);
    expect(await retry.json()).toMatchObject({ type: "urn:reimagine:problem:request-expired" });
  });
});

describe("the key store is down at submission", () => {
  it("answers 503 and leaves neither an object nor an event behind", async () => {
    const down: Vault = {
      ...api.vault,
      seal: async () => {
        throw new KeyStoreUnavailableError("cannot seal personal data: KV bucket is unavailable");
      },
    };
    const app = createCommandApi({ ...api.deps, vault: down });
    const res = await app.request("/api/v1/register", {
      method: "POST",
      body: submissionForm({ email: "nina@example.com", image: jpeg }),
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      type: "urn:reimagine:problem:dependency-unavailable",
      detail: "the key store (NATS KV) is unavailable",
    });
    expect(await api.objects(api.buckets.originals)).toEqual([]);
    expect(await api.events()).toEqual([]);
  });
});
