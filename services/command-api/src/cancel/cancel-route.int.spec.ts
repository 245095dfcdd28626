import { newEvent, RegisterResponse, RequestStatusResponse } from "@reimagine/contracts";
import { makeJpeg, newRequestId } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApi, submissionForm, type TestApi } from "../testing/open-test-api";

let api: TestApi;
let jpeg: Buffer;
beforeAll(async () => {
  api = await openTestApi();
  jpeg = await makeJpeg(24, 24);
});
afterAll(() => api.cleanup());

async function submit(): Promise<RegisterResponse> {
  const res = await api.app.request("/api/v1/register", {
    method: "POST",
    body: submissionForm({ image: jpeg }),
  });
  expect(res.status).toBe(202);
  return RegisterResponse.parse(await res.json());
}

const cancel = (id: string, body: unknown, contentType = "application/json") =>
  api.app.request(`/api/v1/request/${id}/cancel`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const typesOf = async (id: string) => (await api.store.readRequest(id)).events.map((s) => s.event.type);

describe("POST /api/v1/request/:id/cancel", () => {
  it("cancels a request in progress with its token: 200, status cancelled, CancelRequested in the log", async () => {
    const { id, cancelToken } = await submit();
    const res = await cancel(id, { cancelToken });
    expect(res.status).toBe(200);
    const body = RequestStatusResponse.parse(await res.json());
    expect(body).toMatchObject({ id, status: "cancelled", error: null });
    expect(await typesOf(id)).toEqual(["ImageSubmitted", "CancelRequested"]);
    const status = await api.app.request(`/api/v1/request/${id}`);
    expect(await status.json()).toMatchObject({ status: "cancelled" });
  });

  it("refuses a wrong or missing token with 403 and appends nothing", async () => {
    const { id, cancelToken } = await submit();
    for (const body of [{ cancelToken: `${cancelToken!.slice(0, -1)}x` }, {}, { cancelToken: "" }]) {
      const res = await cancel(id, body);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ type: "urn:reimagine:problem:invalid-cancel-token" });
    }
    expect(await typesOf(id)).toEqual(["ImageSubmitted"]);
  });

  it("refuses a finished request with 409: cancelled already, or notified", async () => {
    const { id, cancelToken } = await submit();
    expect((await cancel(id, { cancelToken })).status).toBe(200);
    const again = await cancel(id, { cancelToken });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ type: "urn:reimagine:problem:request-finished" });

    const done = await submit();
    const history = await api.store.readRequest(done.id);
    const submitted = history.events[0]!.event;
    const notified = newEvent(
      "UserNotified",
      done.id,
      { messageId: "<m@x>", recipientDomain: "example.com" },
      { correlationId: done.id, causationId: submitted.id },
    );
    await api.store.append(done.id, [notified], history.version);
    const late = await cancel(done.id, { cancelToken: done.cancelToken });
    expect(late.status).toBe(409);
    expect(await typesOf(done.id)).toEqual(["ImageSubmitted", "UserNotified"]);
  });

  it("answers 404 for an unknown request, 400 for a bad id or a body that is not JSON, 405 for GET", async () => {
    expect((await cancel(newRequestId(), { cancelToken: "x" })).status).toBe(404);
    expect((await cancel("nope", { cancelToken: "x" })).status).toBe(400);
    const { id } = await submit();
    expect((await cancel(id, "cancelToken=x", "application/x-www-form-urlencoded")).status).toBe(400);
    const get = await api.app.request(`/api/v1/request/${id}/cancel`);
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
  });
});
