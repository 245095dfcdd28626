import { foldRequest } from "@reimagine/contracts";
import { exportLog } from "@reimagine/operations";
import { makeJpeg, rawStreamText } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCommandApi } from "../app/create-command-api";
import { toPublicEvent } from "../live/public-event";
import { openTestApi, submissionForm, type TestApi } from "../testing/open-test-api";

const SECRET = `whsec_${Buffer.alloc(32, 9).toString("base64")}`;
let api: TestApi;
let jpeg: Buffer;
beforeAll(async () => {
  api = await openTestApi({ config: { WEBHOOK_SECRET: SECRET } });
  jpeg = await makeJpeg(24, 24);
});
afterAll(() => api.cleanup());

function submit(webhookUrl: string, app = api.app) {
  const form = submissionForm({ image: jpeg });
  form.set("webhookUrl", webhookUrl);
  return app.request("/api/v1/register", { method: "POST", body: form });
}

describe("webhookUrl at submission", () => {
  it("seals a public http(s) URL with the address: never in clear text in the stream, an export or the live events", async () => {
    // An IP literal: no DNS is asked, and nothing is ever sent there by this test.
    const url = "https://93.184.216.34/hooks/nina-private?token=tok-7f3a9c";
    const res = await submit(url);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const [submitted] = (await api.store.readRequest(id)).events;
    const data = submitted!.event.type === "ImageSubmitted" ? submitted!.event.data : null;
    expect(data).toMatchObject({ webhookSealed: true });
    expect(data).not.toHaveProperty("webhookUrl");
    expect("sealed" in data!.personal && (await api.vault.open(data!.personal.sealed))).toEqual({
      email: "nina@example.com",
      webhookUrl: url,
    });

    const raw = await rawStreamText(api.store);
    expect(raw).toContain(id); // the reading works: the request is there
    for (const part of ["93.184.216.34", "nina-private", "tok-7f3a9c", "nina@example.com"])
      expect(raw).not.toContain(part);
    const lines: string[] = [];
    await exportLog(api.store, (line) => {
      lines.push(line);
    });
    expect(lines.join("\n")).toContain(id);
    expect(lines.join("\n")).not.toContain("nina-private");

    // the status, from the log (the read model lagging) and from the read model
    const status = async () => (await api.app.request(`/api/v1/request/${id}`)).text();
    const fromLog = await status();
    api.reader.project(id, [submitted!.event]);
    for (const body of [fromLog, await status()]) {
      expect(body).toContain(id);
      expect(body).not.toContain("nina-private");
    }

    const live = toPublicEvent(submitted!, foldRequest(id, [submitted!.event]), "https://r.example");
    expect(live).toMatchObject({ type: "ImageSubmitted", data: { webhook: true } });
    expect(JSON.stringify(live)).not.toContain("nina-private");
  });

  it.each([
    ["loopback", "http://127.0.0.1:8080/hook", /loopback, private, link-local/],
    ["localhost by name", "http://localhost/hook", /internal/],
    ["a private network", "http://10.1.2.3/hook", /loopback, private, link-local/],
    [
      "the cloud metadata service",
      "http://169.254.169.254/latest/meta-data/",
      /loopback, private, link-local/,
    ],
    ["IPv6 unique-local", "http://[fd00:ec2::254]/", /loopback, private, link-local/],
    ["another scheme", "ftp://93.184.216.34/", /http or https/],
    ["credentials in the URL", "https://user:pw@93.184.216.34/", /without credentials/],
    ["not a URL", "hooks", /absolute http or https URL/],
  ])("refuses %s with 400 and stores nothing", async (_, url, detail) => {
    const before = (await api.events()).length;
    const objects = (await api.objects(api.buckets.originals)).length;
    const res = await submit(url);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { type: string; detail: string };
    expect(problem.type).toBe("urn:reimagine:problem:invalid-webhook-url");
    expect(problem.detail).toMatch(detail);
    expect((await api.events()).length).toBe(before);
    expect((await api.objects(api.buckets.originals)).length).toBe(objects);
  });

  it("refuses any webhookUrl when WEBHOOK_SECRET is not set, and allows private ones only when told", async () => {
    const off = createCommandApi({ ...api.deps, config: { ...api.deps.config, WEBHOOK_SECRET: undefined } });
    const refused = await submit("https://93.184.216.34/hook", off);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      detail: expect.stringMatching(/WEBHOOK_SECRET is not set/),
    });
    const dev = createCommandApi({
      ...api.deps,
      config: { ...api.deps.config, WEBHOOK_ALLOW_PRIVATE: true },
    });
    expect((await submit("http://127.0.0.1:8080/hook", dev)).status).toBe(202);
  });
});
