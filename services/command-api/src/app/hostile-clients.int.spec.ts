import { connect, type Socket } from "node:net";
import type { BlobStore } from "@reimagine/blobs";
import { makeJpeg } from "@reimagine/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openTestApi, submissionForm, type TestApi } from "../testing/open-test-api";
import { type RunningCommandApi, startCommandApi } from "./start-command-api";

// Every client here is a real socket; slow ones are written by hand, byte by byte.
const BOUNDARY = "----hostile";
const EMAIL_PART = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\nnina@example.com\r\n`;
const IMAGE_HEAD = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
const TAIL = `\r\n--${BOUNDARY}--\r\n`;

let api: TestApi;
let server: RunningCommandApi;
let jpeg: Buffer;
const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];

/** The put of the original can be held up, to let a client leave between upload and answer. */
let holdPut: ((key: string) => Promise<void>) | null = null;

beforeAll(async () => {
  api = await openTestApi({
    config: {
      UPLOAD_CONCURRENCY: 2,
      UPLOADS_PER_CLIENT: 2,
      UPLOAD_IDLE_TIMEOUT_MS: 1500,
      UPLOAD_TIMEOUT_MS: 4000,
      HEADERS_TIMEOUT_MS: 1000,
    },
  });
  const blobs = Object.create(api.blobs) as BlobStore;
  blobs.put = async (bucket, key, body, options) => {
    await holdPut?.(key);
    return api.blobs.put(bucket, key, body, options);
  };
  server = await startCommandApi({ ...api.deps, blobs }, { port: 0, host: "127.0.0.1" });
  jpeg = await makeJpeg(64, 48);
});
afterEach(() => {
  holdPut = null;
  for (const t of timers.splice(0)) clearInterval(t);
  for (const s of sockets.splice(0)) s.destroy();
});
afterAll(async () => {
  await server.stop();
  await api.cleanup();
});

interface RawClient {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
  /** Resolves with what arrived so far once `text` is in it. */
  received(text: string): Promise<string>;
}

/** Opens a socket from `localAddress` (any 127.x.y.z is this host: a distinct client address). */
function open(localAddress = "127.0.0.1"): Promise<RawClient> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), localAddress }, () => {
      let data = "";
      const waiters: { text: string; resolve: (s: string) => void }[] = [];
      socket.on("data", (chunk) => {
        data += chunk.toString("latin1");
        for (const w of waiters.filter((w) => data.includes(w.text))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(data);
        }
      });
      // A reset after the answer is what some tests provoke on purpose.
      socket.on("error", () => undefined);
      const closed = new Promise<string>((done) => socket.once("close", () => done(data)));
      const received = (text: string) =>
        data.includes(text)
          ? Promise.resolve(data)
          : new Promise<string>((r) => waiters.push({ text, resolve: r }));
      resolve({ socket, closed, received });
    });
    socket.once("error", reject);
    sockets.push(socket);
  });
}

function head(contentLength: number, extra = ""): string {
  return (
    "POST /api/v1/register HTTP/1.1\r\nHost: api.test\r\n" +
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${contentLength}\r\n${extra}\r\n`
  );
}

/** A client that declares 10 MB and then sends one byte every `everyMs`. */
async function trickler(localAddress: string, everyMs = 300): Promise<RawClient> {
  const client = await open(localAddress);
  client.socket.write(head(10_000_000) + EMAIL_PART + IMAGE_HEAD);
  timers.push(setInterval(() => client.socket.writable && client.socket.write("\xff", "latin1"), everyMs));
  return client;
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);

async function submit(headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/api/v1/register`, {
    method: "POST",
    body: submissionForm({ image: jpeg }),
    headers,
  });
}

describe("slow and stuck clients", () => {
  it("cannot hold the upload slots: with more tricklers than slots open, a normal upload gets its 202", async () => {
    const slow = await Promise.all(
      ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"].map((a) => trickler(a)),
    );
    let cut = 0;
    for (const s of slow) void s.received("HTTP/1.1 ").then(() => cut++);
    await new Promise((r) => setTimeout(r, 400));
    const res = await submit();
    expect(res.status).toBe(202);
    // Served while every trickler is still being read, not once they are cut (no timing assumed).
    expect(cut).toBe(0);
    // Each trickler is cut at the total deadline with a 408 it can read, then closed.
    for (const answer of await Promise.all(slow.map((s) => s.closed))) {
      expect(statusOf(answer)).toBe(408);
      expect(answer).toMatch(/urn:reimagine:problem:request-timeout/);
    }
    expect(await api.events()).toHaveLength(1);
  });

  it("answers 408 to a client that stops sending mid-body (idle timeout), storing nothing", async () => {
    const before = (await api.events()).length;
    const client = await open("127.0.0.6");
    client.socket.write(head(5000) + EMAIL_PART + IMAGE_HEAD + "\xff\xd8\xff");
    const answer = await client.closed;
    expect(statusOf(answer)).toBe(408);
    expect(answer).toMatch(/no byte of the upload arrived for 1500 ms/);
    expect(await api.events()).toHaveLength(before);
  });

  it("closes a connection whose headers trickle in past HEADERS_TIMEOUT_MS", async () => {
    const client = await open("127.0.0.7");
    client.socket.write("POST /api/v1/register HTTP/1.1\r\nHost: api.test\r\n");
    timers.push(setInterval(() => client.socket.writable && client.socket.write("X-Slow: 1\r\n"), 200));
    expect(statusOf(await client.closed)).toBe(408);
  });

  it("caps the uploads one address has open: the next is 429 at once and unread; other addresses go on", async () => {
    await trickler("127.0.0.8");
    await trickler("127.0.0.8");
    await new Promise((r) => setTimeout(r, 100));
    const third = await open("127.0.0.8");
    third.socket.write(head(5000) + EMAIL_PART);
    const answer = await third.received("}");
    expect(statusOf(answer)).toBe(429);
    expect(answer).toMatch(/retry-after: 1/i);
    expect(answer).toMatch(/at most 2 at once/);
    expect((await submit()).status).toBe(202);
  });
});

describe("clients that leave", () => {
  it("records nothing for a client that disconnects mid-upload", async () => {
    const before = await api.events();
    const objects = await api.objects(api.buckets.originals);
    const client = await open("127.0.0.9");
    client.socket.write(head(jpeg.length + 500) + EMAIL_PART + IMAGE_HEAD);
    client.socket.write(jpeg.subarray(0, jpeg.length >> 1));
    await new Promise((r) => setTimeout(r, 100));
    client.socket.destroy();
    await new Promise((r) => setTimeout(r, 300));
    expect(await api.events()).toEqual(before);
    expect(await api.objects(api.buckets.originals)).toEqual(objects);
  });

  it("records nothing when the client leaves after its upload but before the answer; a retry with its key gets the answer", async () => {
    const before = (await api.events()).length;
    let firstKey = "";
    let putStarted!: () => void;
    const started = new Promise<void>((r) => {
      putStarted = r;
    });
    let left!: () => void;
    const clientLeft = new Promise<void>((r) => {
      left = r;
    });
    holdPut = async (key) => {
      firstKey = key;
      holdPut = null;
      putStarted();
      await clientLeft;
    };
    const body = Buffer.concat([Buffer.from(EMAIL_PART + IMAGE_HEAD, "latin1"), jpeg, Buffer.from(TAIL)]);
    const client = await open("127.0.0.10");
    client.socket.write(head(body.length, "Idempotency-Key: leave-early-1\r\n"));
    client.socket.write(body);
    // The whole upload is in and being stored; now the client gives up waiting.
    await started;
    client.socket.destroy();
    await client.closed;
    left();
    // The server notices at the point of no return: no event, and the original it stored is removed.
    await new Promise((r) => setTimeout(r, 500));
    expect(firstKey).not.toBe("");
    expect(await api.events()).toHaveLength(before);
    expect(await api.objects(api.buckets.originals)).not.toContain(firstKey);

    const retry = await submit({ "idempotency-key": "leave-early-1" });
    expect(retry.status).toBe(202);
    const { id } = (await retry.json()) as { id: string };
    // The same request the key was claimed for, recorded once.
    expect(firstKey.startsWith(`${id}/`)).toBe(true);
    const events = await api.events();
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ type: "ImageSubmitted", requestId: id });
    const again = await submit({ "idempotency-key": "leave-early-1" });
    expect(((await again.json()) as { id: string }).id).toBe(id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });
});

describe("every client can read the refusal", () => {
  it("Node's fetch reads the 413 for an 11 MB body (declared length)", async () => {
    const res = await fetch(`${server.url}/api/v1/register`, {
      method: "POST",
      body: submissionForm({ image: Buffer.concat([jpeg, Buffer.alloc(11 * 1024 * 1024)]) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 413, type: "urn:reimagine:problem:upload-too-large" });
  });

  it("Node's fetch reads the 413 for an 11 MB body sent chunked, refused while it streams", async () => {
    const form = new Response(
      submissionForm({ image: Buffer.concat([jpeg, Buffer.alloc(11 * 1024 * 1024)]) }),
    );
    const res = await fetch(`${server.url}/api/v1/register`, {
      method: "POST",
      body: form.body,
      headers: { "content-type": form.headers.get("content-type")! },
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 413 });
  });

  it("lets a client still writing its refused body finish without a reset, then closes gracefully", async () => {
    const client = await open("127.0.0.11");
    let writeError: Error | null = null;
    client.socket.on("error", (err) => {
      writeError = err;
    });
    const parts = EMAIL_PART + IMAGE_HEAD;
    const imageBytes = 11 * 1024 * 1024;
    client.socket.write(head(parts.length + imageBytes + TAIL.length) + parts);
    const chunk = Buffer.alloc(64 * 1024, 0xff);
    let closed = false;
    void client.closed.then(() => {
      closed = true;
    });
    for (let sent = 0; sent < imageBytes && !writeError && !closed; sent += chunk.length) {
      if (!client.socket.write(chunk)) {
        await Promise.race([new Promise((r) => client.socket.once("drain", r)), client.closed]);
      }
    }
    expect(closed).toBe(false);
    client.socket.write(TAIL);
    const answer = await client.closed;
    // Without the lingering read the server closes on unread bytes: the client's writes hit a reset.
    expect(writeError).toBeNull();
    expect(statusOf(answer)).toBe(413);
  });

  it("answers 413 without a 100 Continue when the declared length is over the limit", async () => {
    const client = await open();
    client.socket.write(head(20 * 1024 * 1024, "Expect: 100-continue\r\n"));
    const answer = await client.received("}");
    expect(answer).not.toMatch(/100 Continue/);
    expect(statusOf(answer)).toBe(413);
    expect(answer).toMatch(/connection: close/i);
  });

  it("sends 100 Continue for a body within the limit, then takes it", async () => {
    const body = Buffer.concat([Buffer.from(EMAIL_PART + IMAGE_HEAD, "latin1"), jpeg, Buffer.from(TAIL)]);
    const client = await open();
    client.socket.write(head(body.length, "Expect: 100-continue\r\nConnection: close\r\n"));
    expect(await client.received("\r\n\r\n")).toMatch(/^HTTP\/1\.1 100 Continue/);
    client.socket.write(body);
    const answer = await client.received('"statusUrl"');
    expect(answer).toMatch(/HTTP\/1\.1 202/);
  });
});
