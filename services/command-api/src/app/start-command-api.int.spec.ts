import { request as httpRequest } from "node:http";
import { makeJpeg } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApi, submissionForm, type TestApi } from "../testing/open-test-api";
import { type RunningCommandApi, startCommandApi } from "./start-command-api";

const LIMIT = 1024 * 1024;
const BOUNDARY = "----streaming-limit";

let api: TestApi;
let server: RunningCommandApi;

beforeAll(async () => {
  api = await openTestApi({ config: { MAX_UPLOAD_BYTES: LIMIT } });
  server = await startCommandApi(api.deps, { port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await server.stop();
  await api.cleanup();
});

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Bytes of body the client had written when the answer arrived. */
  written: number;
  /** Whether the client had finished its request body when the answer arrived. */
  requestEnded: boolean;
}

/**
 * POSTs on a real socket: `head`, then (when `endless`) 64 KiB chunks for as long as the socket
 * takes them, stopping only when the answer arrives. A server that buffered the body before
 * judging it would never answer.
 */
function rawPost(options: {
  head?: string;
  endless: boolean;
  headers?: Record<string, string>;
}): Promise<RawAnswer> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      method: "POST",
      path: "/api/v1/register",
      headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, ...options.headers },
    });
    req.on("response", (res) => {
      answered = true;
      const requestEnded = req.writableEnded;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        req.destroy();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          written,
          requestEnded,
        });
      });
      res.on("error", reject);
    });
    // Once the server has answered and closed, our unfinished writes fail; that is expected.
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    // Headers go out now, even when no body byte follows (the Content-Length case).
    req.flushHeaders();
    if (options.head) {
      req.write(options.head);
      written += Buffer.byteLength(options.head);
    }
    if (!options.endless) return;
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const pump = () => {
      while (!answered && !req.destroyed) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
    };
    pump();
  });
}

const imageHead = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\nnina@example.com\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff`;

describe("the command API on a real socket", () => {
  it("answers 413 while an endless upload is still streaming in, without reading it all", async () => {
    const answer = await rawPost({ head: imageHead, endless: true });
    expect(answer.status).toBe(413);
    expect(answer.requestEnded).toBe(false);
    // What the client got to write is the limit plus what the two socket buffers hold, not more.
    expect(answer.written).toBeLessThan(16 * LIMIT);
    expect(answer.headers["content-type"]).toBe("application/problem+json");
    expect(answer.headers.connection).toBe("close");
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 413,
      type: "urn:reimagine:problem:upload-too-large",
    });
    expect(await api.events()).toEqual([]);
    expect(await api.objects(api.buckets.originals)).toEqual([]);
  });

  it("answers 413 from a declared Content-Length before any body byte is sent", async () => {
    const answer = await rawPost({ endless: false, headers: { "content-length": String(100 * LIMIT) } });
    expect(answer.status).toBe(413);
    expect(answer.written).toBe(0);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413 });
  });

  it("serves a whole submission and its status over HTTP", async () => {
    const res = await fetch(`${server.url}/api/v1/register`, {
      method: "POST",
      body: submissionForm({ image: await makeJpeg(40, 30) }),
    });
    expect(res.status).toBe(202);
    const { id, statusUrl } = (await res.json()) as { id: string; statusUrl: string };
    // PUBLIC_BASE_URL is unset: links use http://localhost:$PORT, whatever Host the client sent.
    expect(statusUrl).toBe(`http://localhost:3000/api/v1/request/${id}`);
    const status = await fetch(`${server.url}/api/v1/request/${id}`);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ id, status: "pending", email: "n***@example.com" });
  });

  it("stops gracefully: stop() resolves and the port no longer accepts connections", async () => {
    const own = await startCommandApi(api.deps, { port: 0, host: "127.0.0.1" });
    expect((await fetch(`${own.url}/healthz`)).status).toBe(200);
    await own.stop();
    await expect(fetch(`${own.url}/healthz`)).rejects.toThrow();
  });
});
