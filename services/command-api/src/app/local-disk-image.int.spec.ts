import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalDiskBlobStore } from "@reimagine/blobs";
import { makeJpeg, makePng } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendImageGenerated, openTestApi, submissionForm, type TestApi } from "../testing/open-test-api";
import { createCommandApi } from "./create-command-api";

let api: TestApi;
let dir: string;
let blobs: LocalDiskBlobStore;
let app: ReturnType<typeof createCommandApi>;

beforeAll(async () => {
  api = await openTestApi();
  dir = await mkdtemp(join(tmpdir(), "reimagine-api-blobs-"));
  blobs = new LocalDiskBlobStore(dir);
  await blobs.ensureBuckets([api.buckets.originals, api.buckets.generated]);
  app = createCommandApi({ ...api.deps, blobs });
});
afterAll(async () => {
  await api.cleanup();
  await rm(dir, { recursive: true, force: true });
});

describe("images on local disk (the all-in-one default)", () => {
  it("stores the original on disk and streams the generated image with its type and cache headers", async () => {
    const jpeg = await makeJpeg(20, 20);
    const res = await app.request("/api/v1/register", {
      method: "POST",
      body: submissionForm({ image: jpeg }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(await blobs.stat(api.buckets.originals, `${id}/original.jpg`)).toMatchObject({
      contentType: "image/jpeg",
    });
    const original = await app.request(`/api/v1/request/${id}/original`);
    expect([original.status, original.headers.get("content-type")]).toEqual([200, "image/jpeg"]);
    expect(Buffer.from(await original.arrayBuffer()).equals(jpeg)).toBe(true);

    const png = await makePng(12, 12);
    const imageKey = `${id}/generated.png`;
    await blobs.put(api.buckets.generated, imageKey, png, { contentType: "image/png" });
    await appendImageGenerated(api.store, id, { key: imageKey, bytes: png.length });

    // the read model still has the request as it was before its image (projector lag): the log answers
    api.reader.project(id, [(await api.store.readRequest(id)).events[0]!.event]);
    const image = await app.request(`/api/v1/request/${id}/image`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("content-length")).toBe(String(png.length));
    expect(image.headers.get("cache-control")).toBe("public, max-age=300");
    expect(image.headers.get("x-content-type-options")).toBe("nosniff");
    expect(image.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);

    const head = await app.request(`/api/v1/request/${id}/image`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(png.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it("answers 404 when the event names an image the store no longer has", async () => {
    const res = await app.request("/api/v1/register", {
      method: "POST",
      body: submissionForm({ image: await makeJpeg(20, 20) }),
    });
    const { id } = (await res.json()) as { id: string };
    await appendImageGenerated(api.store, id, { key: `${id}/gone.png`, bytes: 10 });
    const image = await app.request(`/api/v1/request/${id}/image`);
    expect(image.status).toBe(404);
    expect(image.headers.get("content-type")).toBe("application/problem+json");
    expect(await image.json()).toMatchObject({
      detail: `the image of request ${id} is missing from the store`,
    });
  });
});
