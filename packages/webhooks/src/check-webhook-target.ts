import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { isPublicAddress } from "./public-address";
import { WebhookTargetRefusedError } from "./webhook-target-refused-error";

export interface WebhookTargetPolicy {
  /** WEBHOOK_ALLOW_PRIVATE: local development, where the receiver runs on this machine. */
  allowPrivate: boolean;
  /** The resolver; node's by default (getaddrinfo, so /etc/hosts counts). */
  lookup?: typeof dnsLookup;
}

/** Names that mean "this machine" or a cloud's internal network whatever DNS says. */
const INTERNAL_NAME = /(^|\.)(localhost|internal|local)\.?$/i;

/**
 * Resolves the URL's host and throws WebhookTargetRefusedError unless it is http(s) and every
 * address it resolves to is public (see isPublicAddress), or private targets are allowed. Returns
 * the addresses. Called at submission; delivery connects through `guardedLookup` as well, so a
 * name that resolves differently later (DNS rebinding) is still refused.
 */
export async function checkWebhookTarget(url: string, policy: WebhookTargetPolicy): Promise<string[]> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookTargetRefusedError("the webhook URL is not an absolute URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new WebhookTargetRefusedError("the webhook URL must be http or https");
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (!policy.allowPrivate && INTERNAL_NAME.test(host)) {
    throw new WebhookTargetRefusedError(`the webhook host ${host} is internal`, {
      reason: "the webhook host is an internal name",
    });
  }
  if (isIP(host)) return [judge(host, host, policy)];
  const addresses = await resolveAll(host, policy.lookup ?? dnsLookup);
  return addresses.map((a) => judge(host, a.address, policy));
}

/**
 * A `lookup` for node's http(s) agents that refuses private addresses at connect time, the moment
 * that counts: the address checked is the address connected to.
 */
export function guardedLookup(policy: WebhookTargetPolicy): LookupFunction {
  const lookup = policy.lookup ?? dnsLookup;
  return function guardedLookup(hostname, options, callback) {
    resolveAll(hostname, lookup).then(
      (addresses) => {
        try {
          const judged = addresses.map((a) => ({ ...a, address: judge(hostname, a.address, policy) }));
          if (options.all) callback(null, judged);
          else callback(null, judged[0]!.address, judged[0]!.family);
        } catch (err) {
          callback(err as NodeJS.ErrnoException, "", 0);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 0),
    );
  } as LookupFunction;
}

function judge(host: string, address: string, policy: WebhookTargetPolicy): string {
  if (policy.allowPrivate || isPublicAddress(address)) return address;
  const shown = host === address ? address : `${host} (${address})`;
  const what = "a loopback, private, link-local or otherwise non-public address";
  throw new WebhookTargetRefusedError(`the webhook host ${shown} is ${what}`, {
    reason: `the webhook host is ${what}`,
  });
}

function resolveAll(host: string, lookup: typeof dnsLookup): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(host, { all: true, verbatim: true }, (err, addresses) => {
      if (err || addresses.length === 0) {
        reject(
          new WebhookTargetRefusedError(`the webhook host ${host} does not resolve`, {
            cause: err,
            reason: "the webhook host does not resolve",
          }),
        );
      } else resolve(addresses);
    });
  });
}
