import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";

/** The three calls the AI layer makes, as @huggingface/inference sends them to an endpoint URL. */
export type FakeHfRoute = "imageToText" | "textToImage" | "chatCompletion";

/** One scripted answer. `json` wins over `bytes` wins over `text`; `delayMs` holds the answer back. */
export interface FakeHfResponse {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  bytes?: Buffer;
  text?: string;
  delayMs?: number;
}

export interface RecordedRequest {
  route: FakeHfRoute | null;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The parsed body when it was sent as application/json. */
  json: unknown;
}

export interface FakeHfServer {
  baseUrl: string;
  /** What to configure as HF_*_ENDPOINT_URL per route (chat gets `/v1/chat/completions` appended by the client). */
  endpoints: Record<FakeHfRoute, string>;
  /**
   * The base of the OpenAI-compatible API, as Ollama, vLLM, LM Studio or TGI serve it (`…/v1`):
   * `POST /v1/chat/completions` (the chatCompletion route) and `GET /v1/models`.
   */
  openAiBaseUrl: string;
  /** The model ids `GET /v1/models` lists (["fake/chat-model"] until changed). */
  listedModels: string[];
  /** Every request received, in order, including rejected ones. */
  readonly requests: RecordedRequest[];
  requestsFor(route: FakeHfRoute): RecordedRequest[];
  /** Queues answers for a route; each request takes the next one, then the default. */
  enqueue(route: FakeHfRoute, ...responses: FakeHfResponse[]): void;
  setDefault(route: FakeHfRoute, response: FakeHfResponse): void;
  /**
   * From now on answers that share of the calls (0..1, any route) with one of `responses`, picked
   * at random: a model that is flaky rather than down. A rate of 0 turns it off.
   */
  failRandomly(rate: number, responses: FakeHfResponse[]): void;
  /** How many calls failRandomly has failed. */
  readonly injectedFailures: number;
  /** Forgets queued answers, recorded requests, changed defaults and listed models. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeHfServerOptions {
  /** When set, any other `Authorization: Bearer` gets HF's 401 answer. */
  token?: string;
}

const PATHS = {
  imageToText: "/models/fake/caption-model",
  textToImage: "/models/fake/generation-model",
  chatCompletion: "/models/fake/chat-model",
} as const;

export const FAKE_CAPTION = "a red bicycle leaning against a brick wall";
export const FAKE_CHAT_CAPTION =
  "A red bicycle leans against a weathered brick wall in soft afternoon light.";

/** An OpenAI-style chat completion body, shaped as TGI and the HF router return it. */
export function chatCompletionBody(content: string, model = "fake/chat-model"): Record<string, unknown> {
  return {
    id: "chatcmpl-fake-1",
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    system_fingerprint: "fake-1.0",
    choices: [{ index: 0, message: { role: "assistant", content }, logprobs: null, finish_reason: "stop" }],
    usage: { prompt_tokens: 42, completion_tokens: 17, total_tokens: 59 },
  };
}

/** HF's legacy "model is loading" 503. */
export function modelLoadingResponse(estimatedTimeSeconds: number, model = "fake/model"): FakeHfResponse {
  return {
    status: 503,
    json: { error: `Model ${model} is currently loading`, estimated_time: estimatedTimeSeconds },
  };
}

/** A small real PNG, what textToImage answers by default. */
export async function fakePng(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .png()
    .toBuffer();
}

/**
 * A local HTTP server speaking HuggingFace's wire format as the client uses it with endpoint URLs:
 * imageToText (raw bytes in, `{"generated_text"}` out), textToImage (`{"inputs","parameters"}` in,
 * image bytes out), chatCompletion (OpenAI JSON, also at `/v1/chat/completions` with `GET
 * /v1/models`, as OpenAI-compatible servers serve it). Scripted per test, recording what it received.
 */
export async function startFakeHfServer(options: FakeHfServerOptions = {}): Promise<FakeHfServer> {
  const png = await fakePng();
  const initialDefaults = (): Record<FakeHfRoute, FakeHfResponse> => ({
    imageToText: { json: { generated_text: FAKE_CAPTION } },
    textToImage: { bytes: png, headers: { "content-type": "image/png" } },
    chatCompletion: { json: chatCompletionBody(FAKE_CHAT_CAPTION) },
  });
  let defaults = initialDefaults();
  const queues: Record<FakeHfRoute, FakeHfResponse[]> = {
    imageToText: [],
    textToImage: [],
    chatCompletion: [],
  };
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const listedModels = ["fake/chat-model"];
  let flaky: { rate: number; responses: FakeHfResponse[] } = { rate: 0, responses: [] };
  let injectedFailures = 0;

  const server = createServer(async function handleFakeHf(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const route = routeOf(path);
    const isJson = req.headers["content-type"]?.startsWith("application/json") ?? false;
    requests.push({
      route,
      method: req.method ?? "",
      path,
      headers: req.headers,
      body,
      json: parseJson(body, isJson),
    });

    const authorized = options.token === undefined || req.headers.authorization === `Bearer ${options.token}`;
    if (path === "/v1/models" && req.method === "GET") {
      if (!authorized) return send(res, { status: 401, json: { error: { message: "Invalid API key" } } });
      const data = listedModels.map((id) => ({
        id,
        object: "model",
        created: 1_700_000_000,
        owned_by: "fake",
      }));
      return send(res, { json: { object: "list", data } });
    }
    if (route === null || req.method !== "POST") {
      return send(res, { status: 404, json: { error: "Not Found" } });
    }
    if (!authorized) {
      return send(res, { status: 401, json: { error: "Invalid credentials in Authorization header" } });
    }
    if (flaky.rate > 0 && flaky.responses.length > 0 && Math.random() < flaky.rate) {
      injectedFailures++;
      return send(res, flaky.responses[Math.floor(Math.random() * flaky.responses.length)]!);
    }
    const scripted = queues[route].shift() ?? defaults[route];
    if (!scripted.delayMs) return send(res, scripted);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) send(res, scripted);
    }, scripted.delayMs);
    timers.add(timer);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    endpoints: {
      imageToText: baseUrl + PATHS.imageToText,
      textToImage: baseUrl + PATHS.textToImage,
      chatCompletion: baseUrl + PATHS.chatCompletion,
    },
    openAiBaseUrl: `${baseUrl}/v1`,
    listedModels,
    requests,
    requestsFor: (route) => requests.filter((r) => r.route === route),
    enqueue: (route, ...responses) => void queues[route].push(...responses),
    setDefault: (route, response) => {
      defaults[route] = response;
    },
    failRandomly: (rate, responses) => {
      flaky = { rate, responses };
    },
    get injectedFailures() {
      return injectedFailures;
    },
    reset: () => {
      flaky = { rate: 0, responses: [] };
      injectedFailures = 0;
      for (const q of Object.values(queues)) q.length = 0;
      requests.length = 0;
      listedModels.splice(0, listedModels.length, "fake/chat-model");
      defaults = initialDefaults();
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function routeOf(path: string): FakeHfRoute | null {
  if (path === PATHS.imageToText) return "imageToText";
  if (path === PATHS.textToImage) return "textToImage";
  if (path === `${PATHS.chatCompletion}/v1/chat/completions` || path === "/v1/chat/completions") {
    return "chatCompletion";
  }
  return null;
}

function send(res: ServerResponse, r: FakeHfResponse): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
  let payload: Buffer;
  if (r.json !== undefined) {
    payload = Buffer.from(JSON.stringify(r.json));
    headers["content-type"] ??= "application/json";
  } else if (r.bytes !== undefined) {
    payload = r.bytes;
    headers["content-type"] ??= "application/octet-stream";
  } else {
    payload = Buffer.from(r.text ?? "");
    headers["content-type"] ??= "text/plain; charset=utf-8";
  }
  headers["content-length"] = String(payload.length);
  res.writeHead(r.status ?? 200, headers);
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer, isJson: boolean): unknown {
  if (!isJson) return undefined;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}
