import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import busboy from "busboy";
import { ByteCollector } from "./byte-collector";
import { type PumpOptions, pumpBody } from "./pump-body";
import { UploadError } from "./upload-error";

export interface UploadLimits {
  /** The largest image accepted, in bytes. */
  maxFileBytes: number;
  /** The largest whole body accepted: the image plus the email field and multipart framing. */
  maxBodyBytes: number;
}

/** The one image and one email of a submission, exactly as sent (not judged yet). */
export interface ParsedUpload {
  email: string;
  image: { bytes: Buffer; sha256: string };
  /** The optional field `webhookUrl`, null when not sent. */
  webhookUrl: string | null;
}

/** Room for the email field, part headers and boundaries on top of the image itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/**
 * Far longer than any email we accept: a longer field is cut here (never held whole), and what is
 * left (at least 1024 characters) is still refused by the email rule's 254-character limit.
 */
const MAX_FIELD_BYTES = 4096;

const MULTIPART = /^multipart\/form-data\s*(;|$)/i;

/** Body limits for an image limit: the image itself plus the multipart overhead. */
export function uploadLimitsFor(maxImageBytes: number): UploadLimits {
  return { maxFileBytes: maxImageBytes, maxBodyBytes: maxImageBytes + MULTIPART_OVERHEAD_BYTES };
}

/** The request as the parser needs it: its headers and its body as a Node stream. */
export interface UploadSource {
  headers: Headers;
  /** The socket's IncomingMessage when served by Node (no web-stream copy), else the Request body. */
  body: Readable | ReadableStream<Uint8Array> | null;
}

/**
 * Reads a multipart/form-data body with exactly one file `image`, one field `email` and at most one
 * field `webhookUrl`, streaming:
 * the limits are checked as the bytes arrive, and reading stops at the first byte over a limit (or
 * the first part that should not be there), so the server never holds more than the limits allow.
 * Bytes are pulled through pumpBody (an upload slot only while they flow, idle and total deadlines).
 * Throws UploadError; judging the bytes as an image is the caller's job.
 */
export async function parseUpload(
  request: UploadSource,
  limits: UploadLimits,
  pump: PumpOptions,
): Promise<ParsedUpload> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!MULTIPART.test(contentType)) {
    throw new UploadError(
      "NOT_MULTIPART",
      `the body must be multipart/form-data with fields "image" and "email", not ${JSON.stringify(contentType.split(";")[0] || "nothing")}`,
    );
  }
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limits.maxBodyBytes) throw bodyTooLarge(limits);
  if (!request.body) throw new UploadError("MISSING_FIELD", 'the body is empty; send "image" and "email"');

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      // One byte past the image limit, so an image of exactly the limit is not reported as cut.
      limits: { fileSize: limits.maxFileBytes + 1, fieldSize: MAX_FIELD_BYTES, headerPairs: 20 },
    });
  } catch (cause) {
    throw new UploadError(
      "MALFORMED_MULTIPART",
      `cannot read the multipart body: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  // The body bounds the image: a Content-Length lets the image be collected into one buffer.
  const sizeHint = declared > 0 ? Math.min(declared, limits.maxFileBytes + 1) : undefined;
  const form = new FormCollector(parser, limits, sizeHint);
  const source = request.body instanceof Readable ? request.body : Readable.fromWeb(request.body as never);
  let received = 0;
  let complete = false;
  try {
    await pumpBody(
      source,
      async (chunk) => {
        if (form.failure) throw form.failure;
        received += chunk.length;
        if (received > limits.maxBodyBytes) throw bodyTooLarge(limits);
        if (!parser.write(chunk)) await form.drained();
        if (form.failure) throw form.failure;
      },
      pump,
    );
    if (form.failure) throw form.failure;
    parser.end();
    await form.finished();
    if (form.failure) throw form.failure;
    const upload = form.result();
    complete = true;
    return upload;
  } finally {
    // Whatever is still unread stays unread here; the server discards it after answering (linger).
    if (!complete) parser.destroy();
  }
}

function bodyTooLarge(limits: UploadLimits): UploadError {
  return new UploadError(
    "BODY_TOO_LARGE",
    `the upload is larger than the limit of ${limits.maxFileBytes} bytes for the image`,
  );
}

/** Listens to busboy and keeps the one image and one email, or the first reason to refuse. */
class FormCollector {
  failure: UploadError | null = null;
  private email: string | undefined;
  private webhookUrl: string | undefined;
  private image: { bytes: ByteCollector; hash: ReturnType<typeof createHash> } | null = null;
  private imageDone = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly parser: busboy.Busboy,
    private readonly limits: UploadLimits,
    private readonly sizeHint: number | undefined,
  ) {
    parser.on("file", (name, stream) => this.onFile(name, stream));
    parser.on("field", (name, value) => this.onField(name, value));
    this.done = new Promise<void>((resolve) => {
      parser.once("close", resolve);
      // `on`, not `once`: a parser destroyed half-way emits another error, which must not go uncaught.
      parser.on("error", (err: Error) => {
        this.fail(
          new UploadError("MALFORMED_MULTIPART", `malformed multipart body: ${err.message}`, { cause: err }),
        );
        resolve();
      });
    });
  }

  /** Resolves when busboy wants more input, or when there is no point in giving it any. */
  drained(): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        this.parser.off("drain", finish);
        this.parser.off("close", finish);
        resolve();
      };
      this.parser.on("drain", finish);
      this.parser.on("close", finish);
    });
  }

  finished(): Promise<void> {
    return this.done;
  }

  result(): ParsedUpload {
    if (!this.image || !this.imageDone) {
      throw new UploadError("MISSING_FIELD", 'the file field "image" is missing');
    }
    if (this.email === undefined) throw new UploadError("MISSING_FIELD", 'the field "email" is missing');
    const { bytes, hash } = this.image;
    return {
      email: this.email,
      image: { bytes: bytes.bytes(), sha256: hash.digest("hex") },
      webhookUrl: this.webhookUrl ?? null,
    };
  }

  private onFile(name: string, stream: Readable): void {
    // A body cut short destroys the file stream with an error; the parser reports it already.
    stream.on("error", () => undefined);
    if (name !== "image" || this.image) {
      stream.resume();
      const why =
        name === "image"
          ? 'send exactly one file "image"'
          : `unexpected file ${quote(name)}; only "image" is a file`;
      this.fail(new UploadError("UNEXPECTED_FIELD", why));
      return;
    }
    const image = { bytes: new ByteCollector(this.sizeHint), hash: createHash("sha256") };
    this.image = image;
    stream.on("data", (chunk: Buffer) => {
      if (this.failure) return;
      image.bytes.push(chunk);
      image.hash.update(chunk);
    });
    stream.once("limit", () => {
      image.bytes.discard();
      this.fail(
        new UploadError(
          "FILE_TOO_LARGE",
          `the image is larger than the limit of ${this.limits.maxFileBytes} bytes`,
        ),
      );
    });
    stream.once("end", () => {
      this.imageDone = true;
    });
  }

  private onField(name: string, value: string): void {
    const refusal = this.fieldRefusal(name);
    if (refusal) this.fail(new UploadError("UNEXPECTED_FIELD", refusal));
    else if (name === "webhookUrl") this.webhookUrl = value;
    else this.email = value;
  }

  private fieldRefusal(name: string): string | null {
    if (name === "image") return '"image" must be a file, not a text field';
    if (name === "webhookUrl") return this.webhookUrl === undefined ? null : 'send at most one "webhookUrl"';
    if (name !== "email") return `unexpected field ${quote(name)}`;
    if (this.email !== undefined) return 'send exactly one field "email"';
    return null;
  }

  private fail(error: UploadError): void {
    this.failure ??= error;
  }
}

const quote = (name: string) => JSON.stringify(name.slice(0, 100));
