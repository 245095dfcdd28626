import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseUpload, uploadLimitsFor } from "./parse-upload";
import { UploadError, type UploadErrorCode } from "./upload-error";
import { UploadSlots } from "./upload-slots";

const LIMITS = uploadLimitsFor(1000);
const BOUNDARY = "----reimagine-test";
const PUMP = { slots: new UploadSlots(4), idleTimeoutMs: 5000, totalTimeoutMs: 10_000 };

function form(parts: [name: string, value: string | Blob, filename?: string][]): Request {
  const body = new FormData();
  for (const [name, value, filename] of parts) {
    if (typeof value === "string") body.append(name, value);
    else body.append(name, value, filename ?? "photo.jpg");
  }
  return new Request("http://api.test/api/v1/register", { method: "POST", body });
}

function raw(
  body: string | ReadableStream<Uint8Array>,
  contentType = `multipart/form-data; boundary=${BOUNDARY}`,
): Request {
  return new Request("http://api.test/api/v1/register", {
    method: "POST",
    body,
    headers: { "content-type": contentType },
    duplex: "half",
  } as RequestInit);
}

async function refusal(request: Request, limits = LIMITS): Promise<UploadError> {
  const err = await parseUpload(request, limits, PUMP).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UploadError);
  return err as UploadError;
}

async function expectRefused(request: Request, code: UploadErrorCode, message?: RegExp): Promise<void> {
  const err = await refusal(request);
  expect(err.code).toBe(code);
  if (message) expect(err.message).toMatch(message);
}

/** A body that never ends: `head`, then `chunk` for every read after; counts the bytes handed out. */
function endless(chunk: Uint8Array, head?: string): { request: Request; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head) controller.enqueue(new TextEncoder().encode(head));
    },
    pull(controller) {
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { request: raw(stream), pulled: () => pulled };
}

describe("parseUpload", () => {
  const bytes = Buffer.from("not judged here, any bytes will do");

  it("returns the image bytes with their sha256 and the email exactly as sent", async () => {
    const upload = await parseUpload(
      form([
        ["email", "ann@example.com"],
        ["image", new Blob([bytes])],
      ]),
      LIMITS,
      PUMP,
    );
    expect(upload.email).toBe("ann@example.com");
    expect(upload.image.bytes.equals(bytes)).toBe(true);
    expect(upload.image.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(upload.webhookUrl).toBeNull();
  });

  it("returns the optional webhookUrl as sent, and refuses two of them", async () => {
    const parts: [string, string | Blob][] = [
      ["email", "ann@example.com"],
      ["webhookUrl", "https://hooks.example.com/r"],
      ["image", new Blob([bytes])],
    ];
    expect((await parseUpload(form(parts), LIMITS, PUMP)).webhookUrl).toBe("https://hooks.example.com/r");
    await expectRefused(
      form([...parts, ["webhookUrl", "https://other.example.com/"]]),
      "UNEXPECTED_FIELD",
      /at most one "webhookUrl"/,
    );
  });

  it("accepts the parts in either order and an image of exactly the limit", async () => {
    const exact = Buffer.alloc(1000, 7);
    const upload = await parseUpload(
      form([
        ["image", new Blob([exact])],
        ["email", "ann@example.com"],
      ]),
      LIMITS,
      PUMP,
    );
    expect(upload.image.bytes.length).toBe(1000);
  });

  it("refuses an image one byte over the limit", async () => {
    await expectRefused(
      form([
        ["email", "ann@example.com"],
        ["image", new Blob([Buffer.alloc(1001)])],
      ]),
      "FILE_TOO_LARGE",
      /limit of 1000 bytes/,
    );
  });

  it("stops reading an endless body as soon as the image crosses the limit", async () => {
    const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\n`;
    const body = endless(new Uint8Array(256).fill(1), head);
    expect((await refusal(body.request)).code).toBe("FILE_TOO_LARGE");
    // The image limit is 1000 bytes: a chunk or two of read-ahead past it at most, never the rest.
    expect(body.pulled()).toBeLessThan(2000);
  });

  it("refuses a declared Content-Length over the body limit before reading anything", async () => {
    const body = endless(new Uint8Array(64));
    body.request.headers.set("content-length", String(LIMITS.maxBodyBytes + 1));
    expect((await refusal(body.request)).code).toBe("BODY_TOO_LARGE");
    expect(body.pulled()).toBeLessThanOrEqual(64);
  });

  it("refuses a body over the limit even without a Content-Length (chunked)", async () => {
    const body = endless(new Uint8Array(512).fill(65));
    expect((await refusal(body.request)).code).toBe("BODY_TOO_LARGE");
    // The limit plus the stream adapter's read-ahead, never the endless rest.
    expect(body.pulled()).toBeLessThan(2 * LIMITS.maxBodyBytes);
  });

  it.each<[string, Request, UploadErrorCode, RegExp]>([
    ["no image", form([["email", "ann@example.com"]]), "MISSING_FIELD", /"image" is missing/],
    ["no email", form([["image", new Blob([Buffer.from("x")])]]), "MISSING_FIELD", /"email" is missing/],
    [
      "two images",
      form([
        ["email", "ann@example.com"],
        ["image", new Blob([Buffer.from("x")])],
        ["image", new Blob([Buffer.from("y")])],
      ]),
      "UNEXPECTED_FIELD",
      /exactly one file/,
    ],
    [
      "two emails",
      form([
        ["email", "ann@example.com"],
        ["email", "bob@example.com"],
        ["image", new Blob([Buffer.from("x")])],
      ]),
      "UNEXPECTED_FIELD",
      /exactly one field "email"/,
    ],
    [
      "an extra field",
      form([
        ["email", "ann@example.com"],
        ["name", "Ann"],
        ["image", new Blob([Buffer.from("x")])],
      ]),
      "UNEXPECTED_FIELD",
      /unexpected field "name"/,
    ],
    [
      "an extra file",
      form([
        ["email", "ann@example.com"],
        ["image", new Blob([Buffer.from("x")])],
        ["thumbnail", new Blob([Buffer.from("y")])],
      ]),
      "UNEXPECTED_FIELD",
      /unexpected file "thumbnail"/,
    ],
    [
      "the image as a text field",
      form([
        ["email", "ann@example.com"],
        ["image", "aGVsbG8="],
      ]),
      "UNEXPECTED_FIELD",
      /must be a file/,
    ],
    ["a JSON body", raw('{"email":"a@b.c"}', "application/json"), "NOT_MULTIPART", /not "application\/json"/],
    ["no content type", raw("email=a", ""), "NOT_MULTIPART", /not "nothing"/],
    ["multipart without a boundary", raw("x", "multipart/form-data"), "MALFORMED_MULTIPART", /boundary/i],
    [
      "a body cut off inside a part",
      raw(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\nann@exa`),
      "MALFORMED_MULTIPART",
      /unexpected end/i,
    ],
    [
      "garbage instead of parts",
      raw("this is not multipart at all"),
      "MALFORMED_MULTIPART",
      /unexpected end/i,
    ],
    [
      "a part header that never ends",
      raw(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="email"`),
      "MALFORMED_MULTIPART",
      /./,
    ],
  ])("refuses %s", async (_, request, code, message) => {
    await expectRefused(request, code, message);
  });

  it("cuts an email field longer than any address we accept, instead of holding it whole", async () => {
    const upload = await parseUpload(
      form([
        ["email", `${"a".repeat(100_000)}@example.com`],
        ["image", new Blob([Buffer.from("x")])],
      ]),
      uploadLimitsFor(200_000),
      PUMP,
    );
    expect(upload.email).toBe("a".repeat(4096));
  });
});
