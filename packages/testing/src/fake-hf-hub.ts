import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One provider serving a model for a task, as the Hub's `inferenceProviderMapping` lists it. */
export interface FakeProviderMapping {
  provider: string;
  task: string;
  status?: "live" | "staging";
}

/** A model the fake Hub knows. */
export interface FakeHubModel {
  mapping: FakeProviderMapping[];
  gated?: false | "auto" | "manual";
}

export interface FakeHfHub {
  /** What to configure as HF_HUB_URL. */
  baseUrl: string;
  /** Paths requested, in order (with their query). */
  readonly requests: string[];
  setModel(id: string, model: FakeHubModel): void;
  close(): Promise<void>;
}

export interface FakeHfHubOptions {
  /** The one token whoami accepts (any other gets the Hub's 401). */
  token: string;
  /** The account whoami names. */
  user?: string;
  models?: Record<string, FakeHubModel>;
  /** The Hub has answered the mapping both as a list and as an object keyed by provider. */
  mappingShape?: "list" | "object";
}

/**
 * A local HTTP server answering the two HuggingFace Hub calls the preflight makes, in the Hub's
 * wire format: `GET /api/whoami-v2` (who the bearer token belongs to) and
 * `GET /api/models/<id>?expand[]=inferenceProviderMapping&expand[]=gated` (who serves a model, for which task).
 */
export async function startFakeHfHub(options: FakeHfHubOptions): Promise<FakeHfHub> {
  const models = new Map(Object.entries(options.models ?? {}));
  const requests: string[] = [];

  const server = createServer(function handleFakeHub(req: IncomingMessage, res: ServerResponse) {
    requests.push(req.url ?? "/");
    const url = new URL(req.url ?? "/", "http://hub.local");
    const send = (status: number, body: unknown) => {
      const payload = Buffer.from(JSON.stringify(body));
      res.writeHead(status, { "content-type": "application/json", "content-length": payload.length });
      res.end(payload);
    };
    if (req.method !== "GET") return send(405, { error: "Method not allowed" });
    if (url.pathname === "/api/whoami-v2") {
      if (req.headers.authorization !== `Bearer ${options.token}`) {
        return send(401, { error: "Invalid credentials in Authorization header" });
      }
      return send(200, {
        type: "user",
        id: "64f0c0ffee",
        name: options.user ?? "test-user",
        fullname: "Test User",
        auth: { type: "access_token", accessToken: { displayName: "reimagine", role: "fineGrained" } },
      });
    }
    const id = url.pathname.startsWith("/api/models/") ? decodeURIComponent(url.pathname.slice(12)) : null;
    const model = id ? models.get(id) : undefined;
    if (!id || !model) return send(404, { error: "Repository not found" });
    const entries = model.mapping.map((m) => ({
      provider: m.provider,
      hfModelId: id,
      providerId: `${m.provider}/${id.toLowerCase()}`,
      status: m.status ?? "live",
      task: m.task,
    }));
    const inferenceProviderMapping =
      options.mappingShape === "object"
        ? Object.fromEntries(entries.map(({ provider, ...rest }) => [provider, rest]))
        : entries;
    return send(200, { _id: "65a1b2c3", id, inferenceProviderMapping, gated: model.gated ?? false });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    setModel: (modelId, model) => void models.set(modelId, model),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
