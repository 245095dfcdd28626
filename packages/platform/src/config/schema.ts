import * as z from "zod";

const optionalString = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string())
  .optional()
  .transform((s) => (s === "" ? undefined : s));
const optionalUrl = optionalString.pipe(z.url().optional());
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
/** A number that may be left unset (or empty): the provider's own default then applies. */
const optionalNumber = (min: number, max: number, integer = true) =>
  optionalString.pipe(
    z.coerce
      .number<string | undefined>()
      .refine((n) => !integer || Number.isInteger(n), "must be a whole number")
      .pipe(z.number().min(min).max(max))
      .optional(),
  );
/**
 * A Standard Webhooks signing secret: `whsec_` and the base64 of 24 to 64 random bytes (the
 * specification's range), e.g. `whsec_$(openssl rand -base64 32)`.
 */
const webhookSecret = optionalString.refine((s) => {
  if (s === undefined) return true;
  const key = s.startsWith("whsec_") ? s.slice(6) : s;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return false;
  const bytes = Buffer.from(key, "base64").length;
  return bytes >= 24 && bytes <= 64;
}, "must be whsec_ followed by the base64 of 24 to 64 random bytes");
const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .default(def ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");

/**
 * Every environment variable reimagine reads, with its default. Unset optional services mean
 * "use the embedded default" (see README, Configuration).
 */
export const ConfigSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** auto: short human-readable lines on a terminal, JSON lines otherwise. */
  LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
  PORT: int(3000, 0).pipe(z.number().max(65535)),
  HOST: z.string().default("0.0.0.0"),
  /** Probe endpoints (/healthz, /readyz) of the worker services (handlers, projector, notifier). */
  HEALTH_PORT: int(8081, 0).pipe(z.number().max(65535)),
  PUBLIC_BASE_URL: optionalUrl,
  DATA_DIR: z.string().default(".data"),

  NATS_URL: optionalString,
  NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only")
    .default("REIMAGINE"),
  /** Unset: the stream name in lower case (loadConfig fills it), so NATS_STREAM alone picks its own subjects. */
  NATS_SUBJECT_PREFIX: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only")
      .optional(),
  ),
  NATS_REPLICAS: int(1, 1).pipe(z.number().max(5)),
  NATS_DUPLICATE_WINDOW_MS: int(120_000, 1000),

  DATABASE_URL: optionalString,

  S3_ENDPOINT: optionalUrl,
  S3_REGION: z.string().default("us-east-1"),
  S3_ACCESS_KEY: optionalString,
  S3_SECRET_KEY: optionalString,
  S3_BUCKET_ORIGINALS: z.string().min(3).default("reimagine-originals"),
  S3_BUCKET_GENERATED: z.string().min(3).default("reimagine-generated"),

  SMTP_URL: optionalUrl,
  MAIL_FROM: z.string().default("reimagine <no-reply@reimagine.local>"),

  HF_TOKEN: optionalString,
  HF_PROVIDER: z.string().default("auto"),
  /** Where the preflight asks who the token belongs to and which providers serve a model. */
  HF_HUB_URL: z.url().default("https://huggingface.co"),
  /**
   * Captions through a vision-language model's chat completion (what Inference Providers serve
   * widely, and what OpenAI-compatible servers speak); imageToText for endpoints and models of that task.
   */
  HF_CAPTION_MODE: z.enum(["imageToText", "chatCompletion"]).default("chatCompletion"),
  HF_CAPTION_MODEL: z.string().min(1).default("google/gemma-4-31B-it"),
  HF_GENERATION_MODEL: z.string().min(1).default("black-forest-labs/FLUX.1-schnell"),
  HF_CAPTION_ENDPOINT_URL: optionalUrl,
  HF_GENERATION_ENDPOINT_URL: optionalUrl,
  HF_TIMEOUT_MS: int(60_000, 100),
  /** Longest side, in pixels, of the image a caption model gets; larger uploads are scaled down. */
  CAPTION_MAX_SIDE: int(1024, 64).pipe(z.number().max(8192)),
  /** Text-to-image parameters; unset ones are left to the provider's defaults for the model. */
  HF_GENERATION_WIDTH: optionalNumber(64, 4096),
  HF_GENERATION_HEIGHT: optionalNumber(64, 4096),
  HF_GENERATION_STEPS: optionalNumber(1, 500),
  HF_GENERATION_GUIDANCE: optionalNumber(0, 100, false),
  HF_GENERATION_SEED: optionalNumber(0, 2 ** 32 - 1),
  HF_GENERATION_NEGATIVE_PROMPT: optionalString,
  /** The prompt the image is generated from: `{caption}` is replaced by the caption. */
  GENERATION_PROMPT_TEMPLATE: z
    .string()
    .refine((t) => t.includes("{caption}"), "must contain {caption}")
    .default("{caption}"),

  HANDLER_CONCURRENCY: int(4, 1).pipe(z.number().max(256)),
  HANDLER_MAX_ATTEMPTS: int(6, 1).pipe(z.number().max(100)),
  HANDLER_ACK_WAIT_MS: int(30_000, 1000),
  HANDLER_BACKOFF_BASE_MS: int(1000, 1),
  HANDLER_BACKOFF_MAX_MS: int(60_000, 1),
  SHUTDOWN_GRACE_MS: int(10_000, 0),
  /** Most events the projector writes in one read-model transaction. */
  PROJECTOR_BATCH_SIZE: int(500, 1).pipe(z.number().max(5000)),
  /**
   * How long the projector holds a batch it has started at the head of the log, waiting for more
   * events to share its transaction (0 = commit each at once). The read model may trail by this.
   */
  PROJECTOR_LINGER_MS: int(50, 0).pipe(z.number().max(1000)),

  MAX_UPLOAD_BYTES: int(10 * 1024 * 1024, 1),
  MAX_IMAGE_PIXELS: int(50_000_000, 1),
  RATE_LIMIT_PER_MINUTE: int(30, 0),
  TRUST_PROXY: bool(false),
  /** Uploads the command API parses at once; more wait unread, so memory stays bounded in a burst. */
  UPLOAD_CONCURRENCY: int(8, 1).pipe(z.number().max(1024)),
  /** How long an Idempotency-Key is remembered by the command API. */
  IDEMPOTENCY_TTL_MS: int(24 * 3600 * 1000, 60_000),
  /** Uploads one client address may have open at once; more are answered 429 without being read. */
  UPLOADS_PER_CLIENT: int(4, 1).pipe(z.number().max(1024)),
  /** Pixels (width x height, from the header) one client address may submit per minute; 0 = off. */
  PIXEL_BUDGET_PER_MINUTE: int(250_000_000, 0),
  /** The request's headers must arrive within this (Node's headersTimeout). */
  HEADERS_TIMEOUT_MS: int(10_000, 1000),
  /** An upload that sends no byte for this long is answered 408 and closed. */
  UPLOAD_IDLE_TIMEOUT_MS: int(10_000, 100),
  /** The whole upload body must arrive within this (408 after). */
  UPLOAD_TIMEOUT_MS: int(60_000, 1000),
  /** An idle keep-alive connection is closed after this (keep it above a load balancer's idle timeout). */
  KEEP_ALIVE_TIMEOUT_MS: int(5_000, 100),
  /** Bearer token of the admin API: at least 32 characters, or unset (admin API off). */
  ADMIN_TOKEN: optionalString.pipe(
    z.string().min(32, "must be at least 32 characters (e.g. openssl rand -hex 32)").optional(),
  ),
  /** The admin API's own listener, never the public one; loopback by default. */
  ADMIN_PORT: int(3001, 0).pipe(z.number().max(65535)),
  ADMIN_HOST: z.string().default("127.0.0.1"),
  /** Days a request's images (original and generated) are kept after its submission; unset = forever. */
  RETENTION_DAYS: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9]+$/, "a whole number of days")
      .transform(Number)
      .pipe(z.number().int().min(1).max(36_500))
      .optional(),
  ),
  /** How often the projector process runs the retention sweep (with RETENTION_DAYS). */
  RETENTION_SWEEP_INTERVAL_MS: int(3_600_000, 60_000),
  /** Signs webhooks (Standard Webhooks); unset, submissions with a webhookUrl are refused. */
  WEBHOOK_SECRET: webhookSecret,
  /** Lets webhooks go to loopback and private addresses: local development only. */
  WEBHOOK_ALLOW_PRIVATE: bool(false),
  /** How long one webhook delivery may take, connect to last byte. */
  WEBHOOK_TIMEOUT_MS: int(10_000, 100),
  /** Live event streams (SSE) one client address may hold open on one API process. */
  SSE_MAX_STREAMS_PER_CLIENT: int(8, 1),
  /** How often an idle event stream sends a comment, so proxies keep it open. */
  SSE_HEARTBEAT_MS: int(15_000, 100),

  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: optionalString,
  /** "none" keeps metrics in-process when the OTLP endpoint takes traces only (e.g. Jaeger). */
  OTEL_METRICS_EXPORTER: z.enum(["otlp", "none"]).default("otlp"),
});

type ParsedConfig = z.infer<typeof ConfigSchema>;

export type Config = Readonly<Omit<ParsedConfig, "NATS_SUBJECT_PREFIX"> & { NATS_SUBJECT_PREFIX: string }>;
