import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import {
  checkWebhookTarget,
  guardedLookup,
  type WebhookTargetPolicy,
  WebhookTargetRefusedError,
} from "@reimagine/webhooks";
import { Webhook } from "standardwebhooks";
import { WebhookDeliveryError } from "./webhook-delivery-error";

export interface WebhookSenderOptions {
  /** WEBHOOK_SECRET: `whsec_` + base64. */
  secret: string;
  /** WEBHOOK_TIMEOUT_MS: the whole attempt, connect to last byte. */
  timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE, and the resolver (tests). */
  targets: WebhookTargetPolicy;
  /** The attempt's time, which is signed (Standard Webhooks: receivers refuse stale timestamps). */
  now?: () => Date;
}

/** A webhook to send: its message id (the same on every attempt) and its JSON body. */
export interface OutgoingWebhook {
  id: string;
  body: string;
}

/** What one attempt got: the receiver's 2xx status. */
export interface WebhookReceipt {
  httpStatus: number;
}

/** Sends signed webhooks; one instance per process. */
export interface WebhookSender {
  send(url: string, webhook: OutgoingWebhook, signal?: AbortSignal): Promise<WebhookReceipt>;
}

const USER_AGENT = "reimagine-webhooks/1";
/** The receiver's answer is not used: reading a little of it lets the connection close cleanly. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Signs each attempt as Standard Webhooks describe (webhook-id, webhook-timestamp and
 * webhook-signature = v1,base64(HMAC-SHA256(secret, `${id}.${timestamp}.${body}`)), through the
 * `standardwebhooks` package) and POSTs it with node's http client: the target is checked before
 * connecting (an IP literal) and by the connection's own DNS lookup (a name), so a private address
 * is never connected to. Redirects are not followed. Anything but a 2xx is a WebhookDeliveryError;
 * a refused target is a WebhookTargetRefusedError (not retryable) whose message, like every error
 * here, names neither the URL nor its host.
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const signer = new Webhook(options.secret);
  const lookup = guardedLookup(options.targets);
  const now = options.now ?? (() => new Date());
  return {
    async send(url, webhook, signal) {
      try {
        return await attempt(url, webhook, signal);
      } catch (err) {
        // What is recorded and logged of a refused target leaves its host out: it is personal data.
        if (err instanceof WebhookTargetRefusedError) throw new WebhookTargetRefusedError(err.reason);
        throw err;
      }
    },
  };

  async function attempt(
    url: string,
    webhook: OutgoingWebhook,
    signal?: AbortSignal,
  ): Promise<WebhookReceipt> {
    await checkWebhookTarget(url, options.targets);
    const timestamp = now();
    const headers = {
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      "webhook-id": webhook.id,
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": signer.sign(webhook.id, timestamp, webhook.body),
      "content-length": String(Buffer.byteLength(webhook.body)),
    };
    const answer = await post(new URL(url), headers, webhook.body, {
      lookup,
      timeoutMs: options.timeoutMs,
      signal,
    });
    if (answer.status >= 200 && answer.status < 300) return { httpStatus: answer.status };
    throw new WebhookDeliveryError(`the receiver answered HTTP ${answer.status}`, answer.status, {
      retryAfterMs: answer.retryAfterMs,
    });
  }
}

async function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  o: { lookup: ReturnType<typeof guardedLookup>; timeoutMs: number; signal?: AbortSignal },
): Promise<{ status: number; retryAfterMs: number | null }> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers, lookup: o.lookup, timeout: o.timeoutMs, signal: o.signal, agent: false },
      (res: IncomingMessage) => {
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        res.on("error", () => undefined);
        res.on("close", () =>
          resolve({ status: res.statusCode ?? 0, retryAfterMs: retryAfterMs(res.headers["retry-after"]) }),
        );
      },
    );
    // One deadline for the whole attempt; `timeout` above only watches for an idle socket.
    const deadline = setTimeout(() => req.destroy(timedOut(o.timeoutMs)), o.timeoutMs);
    req.on("close", () => clearTimeout(deadline));
    req.on("timeout", () => req.destroy(timedOut(o.timeoutMs)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      if ((err as { code?: string }).code === "WEBHOOK_TARGET_REFUSED") reject(err);
      else
        reject(
          // node's own messages may name the host (a certificate's, a resolver's): their code only
          new WebhookDeliveryError(
            `the request failed: ${err instanceof AttemptTimeoutError ? err.message : (err.code ?? err.name)}`,
            null,
            { cause: err },
          ),
        );
    });
    req.end(body);
  });
}

/** The attempt's deadline passed; its message is ours, and safe to record. */
class AttemptTimeoutError extends Error {
  override readonly name = "AttemptTimeoutError";
}
const timedOut = (ms: number) => new AttemptTimeoutError(`no answer within ${ms} ms`);

/** A receiver's Retry-After in delta seconds (what 429 and 503 answers carry in practice), else null. */
function retryAfterMs(value: string | undefined): number | null {
  return value && /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) * 1000 : null;
}
