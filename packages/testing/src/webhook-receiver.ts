import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One POST the receiver got, as it arrived. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The raw body: what a signature is computed over. */
  body: string;
}

/** How the receiver answers one delivery. */
export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
}

export interface WebhookReceiver {
  /** e.g. http://127.0.0.1:41234/hooks */
  url: string;
  received: ReceivedWebhook[];
  /** Answers the next deliveries with these, in order; after them, `otherwise` (200 by default). */
  answerNext(...answers: ReceiverAnswer[]): void;
  otherwise: ReceiverAnswer;
  /** Runs when a delivery has arrived, before it is answered (a test acts "between attempts"). */
  beforeAnswer: (() => Promise<unknown> | unknown) | null;
  stop(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that records every webhook delivered to it. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queue: ReceiverAnswer[] = [];
  const receiver = {
    otherwise: { status: 200 } as ReceiverAnswer,
    beforeAnswer: null as WebhookReceiver["beforeAnswer"],
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = queue.shift() ?? receiver.otherwise;
      try {
        await receiver.beforeAnswer?.();
      } catch (err) {
        // the test's own step failed: an answer that no test expects, not an unhandled rejection
        res.writeHead(599, { "content-type": "text/plain" });
        res.end(String(err));
        return;
      }
      res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answerNext: (...answers: ReceiverAnswer[]) => {
      queue.push(...answers);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
