import { Problem } from "@reimagine/contracts";
import { makeHugePngHeader, makeJpeg, makeWebp } from "@reimagine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestApi, submissionForm, type TestApi } from "../testing/open-test-api";

const GIF_1X1 = Buffer.from("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", "base64");
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>');
const HTML = Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>");
const BOUNDARY = "----bad-input";
const UNKNOWN_ID = "0197a3f0-1c2d-7e3f-8a4b-5c6d7e8f9a0b";

let api: TestApi;
let jpeg: Buffer;

beforeAll(async () => {
  api = await openTestApi();
  jpeg = await makeJpeg(64, 48);
});
afterAll(() => api.cleanup());

interface Case {
  name: string;
  path?: string;
  init: () => Promise<RequestInit> | RequestInit;
  status: number;
  type: string;
  detail?: RegExp;
  headers?: Record<string, string>;
}

const post = (form: FormData, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  body: form,
  headers,
});
const rawPost = (body: string, contentType: string): RequestInit => ({
  method: "POST",
  body,
  headers: { "content-type": contentType },
});
const withImage = (image: Buffer, filename = "photo.jpg", type = "image/jpeg") =>
  post(submissionForm({ image, filename, type }));

function twoParts(extra: [string, string | Blob, string?]): RequestInit {
  const form = submissionForm({ image: jpeg });
  const [name, value, filename] = extra;
  if (typeof value === "string") form.append(name, value);
  else form.append(name, value, filename);
  return post(form);
}

const cases: Case[] = [
  // what the image is, judged by its bytes
  {
    name: "plain text as the image",
    init: () => withImage(Buffer.from("hello, not an image")),
    status: 415,
    type: "unsupported-image",
  },
  {
    name: "a JPEG cut inside its header",
    init: () => withImage(jpeg.subarray(0, 20)),
    status: 415,
    type: "unsupported-image",
    detail: /corrupt or truncated/,
  },
  { name: "zero bytes", init: () => withImage(Buffer.alloc(0)), status: 400, type: "empty-image" },
  {
    name: "an 11 MB upload",
    init: () => withImage(Buffer.concat([jpeg, Buffer.alloc(11 * 1024 * 1024)])),
    status: 413,
    type: "upload-too-large",
    detail: /10485760 bytes/,
    headers: { connection: "close" },
  },
  {
    name: "a PNG declaring 100000x100000 pixels",
    init: () => withImage(makeHugePngHeader(100_000, 100_000), "bomb.png", "image/png"),
    status: 413,
    type: "image-too-large",
    detail: /100000x100000/,
  },
  {
    name: "an SVG",
    init: () => withImage(SVG, "vector.svg", "image/svg+xml"),
    status: 415,
    type: "unsupported-image",
  },
  {
    name: "HTML renamed .jpg",
    init: () => withImage(HTML, "photo.jpg", "image/jpeg"),
    status: 415,
    type: "unsupported-image",
  },
  {
    name: "a GIF",
    init: () => withImage(GIF_1X1, "anim.gif", "image/gif"),
    status: 415,
    type: "unsupported-image",
  },
  {
    name: "a WebP header over garbage",
    init: async () =>
      withImage(
        Buffer.concat([(await makeWebp(8, 8)).subarray(0, 20), Buffer.alloc(500, 9)]),
        "x.webp",
        "image/webp",
      ),
    status: 415,
    type: "unsupported-image",
  },
  // the form itself
  {
    name: "no image",
    init: () => post(submissionForm({ image: null })),
    status: 400,
    type: "missing-field",
    detail: /"image" is missing/,
  },
  {
    name: "no email",
    init: () => post(submissionForm({ image: jpeg, email: null })),
    status: 400,
    type: "missing-field",
    detail: /"email" is missing/,
  },
  {
    name: "two files",
    init: () => twoParts(["image", new Blob([jpeg]), "again.jpg"]),
    status: 400,
    type: "unexpected-field",
    detail: /exactly one file/,
  },
  {
    name: "two emails",
    init: () => twoParts(["email", "other@example.com"]),
    status: 400,
    type: "unexpected-field",
    detail: /exactly one field "email"/,
  },
  { name: "an extra field", init: () => twoParts(["name", "Nina"]), status: 400, type: "unexpected-field" },
  {
    name: "an extra file",
    init: () => twoParts(["thumbnail", new Blob([jpeg]), "t.jpg"]),
    status: 400,
    type: "unexpected-field",
  },
  {
    name: "the image as a text field",
    init: () => imageAsText(),
    status: 400,
    type: "unexpected-field",
    detail: /must be a file/,
  },
  {
    name: "an invalid email",
    init: () => post(submissionForm({ image: jpeg, email: "nina-at-example.com" })),
    status: 400,
    type: "invalid-email",
  },
  {
    name: "CRLF in the email",
    init: () => post(submissionForm({ image: jpeg, email: "nina@example.com\r\nBcc: all@example.com" })),
    status: 400,
    type: "invalid-email",
    detail: /line break/,
  },
  {
    name: "a 1 KB email",
    init: () => post(submissionForm({ image: jpeg, email: `${"n".repeat(1012)}@example.com` })),
    status: 400,
    type: "invalid-email",
    detail: /254/,
  },
  {
    name: "a 100 KB email (cut at 4 KB while parsing, never held whole)",
    init: () => post(submissionForm({ image: jpeg, email: `${"n".repeat(100_000)}@example.com` })),
    status: 400,
    type: "invalid-email",
    detail: /254/,
  },
  {
    name: "malformed multipart",
    init: () =>
      rawPost(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\nnina@exa`,
        `multipart/form-data; boundary=${BOUNDARY}`,
      ),
    status: 400,
    type: "malformed-multipart",
  },
  {
    name: "multipart without a boundary",
    init: () => rawPost("whatever", "multipart/form-data"),
    status: 400,
    type: "malformed-multipart",
    detail: /boundary/i,
  },
  {
    name: "an empty multipart body",
    init: () => rawPost("", `multipart/form-data; boundary=${BOUNDARY}`),
    status: 400,
    type: "malformed-multipart",
  },
  {
    name: "a JSON body",
    init: () => rawPost(JSON.stringify({ email: "nina@example.com", image: "aGk=" }), "application/json"),
    status: 415,
    type: "unsupported-media-type",
  },
  {
    name: "a urlencoded body",
    init: () => rawPost("email=nina%40example.com", "application/x-www-form-urlencoded"),
    status: 415,
    type: "unsupported-media-type",
  },
  // headers
  {
    name: "an Idempotency-Key with a space",
    init: () => post(submissionForm({ image: jpeg }), { "idempotency-key": "two words" }),
    status: 400,
    type: "invalid-idempotency-key",
  },
  {
    name: "an Idempotency-Key of 201 characters",
    init: () => post(submissionForm({ image: jpeg }), { "idempotency-key": "k".repeat(201) }),
    status: 400,
    type: "invalid-idempotency-key",
  },
  // methods and ids
  {
    name: "GET on the submit route",
    init: () => ({ method: "GET" }),
    status: 405,
    type: "method-not-allowed",
    headers: { allow: "POST" },
  },
  {
    name: "DELETE on a request",
    path: `/api/v1/request/${UNKNOWN_ID}`,
    init: () => ({ method: "DELETE" }),
    status: 405,
    type: "method-not-allowed",
    headers: { allow: "GET, HEAD" },
  },
  {
    name: "POST on a request's image",
    path: `/api/v1/request/${UNKNOWN_ID}/image`,
    init: () => ({ method: "POST" }),
    status: 405,
    type: "method-not-allowed",
  },
  {
    name: "an id with SQL in it",
    path: `/api/v1/request/${encodeURIComponent("1' OR '1'='1; DROP TABLE requests;--")}`,
    init: () => ({}),
    status: 400,
    type: "invalid-request-id",
  },
  {
    name: "a non-UUID id",
    path: "/api/v1/request/12345",
    init: () => ({}),
    status: 400,
    type: "invalid-request-id",
  },
  {
    name: "a NATS wildcard as id",
    path: "/api/v1/request/%3E",
    init: () => ({}),
    status: 400,
    type: "invalid-request-id",
  },
  {
    name: "an unknown id",
    path: `/api/v1/request/${UNKNOWN_ID}`,
    init: () => ({}),
    status: 404,
    type: "unknown-request",
  },
  {
    name: "an unknown path",
    path: "/api/v2/register",
    init: () => ({ method: "POST" }),
    status: 404,
    type: "not-found",
  },
];

function imageAsText(): RequestInit {
  const form = new FormData();
  form.set("email", "nina@example.com");
  form.set("image", jpeg.toString("base64"));
  return post(form);
}

describe("bad input", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s → problem+json, nothing stored", async (_, c) => {
    const res = await api.app.request(c.path ?? "/api/v1/register", await c.init());
    expect(res.status).toBe(c.status);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = Problem.parse(await res.json());
    expect(body).toMatchObject({ status: c.status, type: `urn:reimagine:problem:${c.type}` });
    expect(body.title.length).toBeGreaterThan(3);
    expect(body.detail).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+/);
    if (c.detail) expect(body.detail).toMatch(c.detail);
    for (const [name, value] of Object.entries(c.headers ?? {})) expect(res.headers.get(name)).toBe(value);

    expect(await api.events()).toEqual([]);
    expect(await api.objects(api.buckets.originals)).toEqual([]);
    expect(await api.idempotencyKeys()).toBe(0);
  });
});
