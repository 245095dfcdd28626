import type { lookup as dnsLookup, LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { checkWebhookTarget, guardedLookup } from "./check-webhook-target";
import { isPublicAddress } from "./public-address";
import { WebhookTargetRefusedError } from "./webhook-target-refused-error";

/** A resolver that knows a few names and nothing else: no test ever asks real DNS. */
function fakeLookup(names: Record<string, string[]>): typeof dnsLookup {
  return ((host: string, _options: unknown, callback: (e: Error | null, a: LookupAddress[]) => void) => {
    const found = names[host];
    if (!found)
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" }), []);
    else
      callback(
        null,
        found.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
      );
  }) as typeof dnsLookup;
}

const lookup = fakeLookup({
  "hooks.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
  "rebind.example.com": ["93.184.216.34", "10.0.0.7"],
  "metadata.example.com": ["169.254.169.254"],
});
const strict = { allowPrivate: false, lookup };

describe("isPublicAddress", () => {
  it.each(["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34"])(
    "accepts the public address %s",
    (a) => expect(isPublicAddress(a)).toBe(true),
  );

  it.each([
    ["loopback", "127.0.0.1"],
    ["loopback (v6)", "::1"],
    ["private 10/8", "10.1.2.3"],
    ["private 172.16/12", "172.20.0.1"],
    ["private 192.168/16", "192.168.1.1"],
    ["metadata (link-local)", "169.254.169.254"],
    ["metadata (AWS v6)", "fd00:ec2::254"],
    ["carrier-grade NAT (Alibaba metadata)", "100.100.100.200"],
    ["link-local v6", "fe80::1"],
    ["unspecified", "0.0.0.0"],
    ["unspecified v6", "::"],
    ["multicast", "224.0.0.1"],
    ["broadcast", "255.255.255.255"],
    ["IPv4-mapped loopback", "::ffff:127.0.0.1"],
    ["NAT64 of a private address", "64:ff9b::a00:1"],
    ["6to4", "2002:a00:1::1"],
    ["not an address", "example.com"],
  ])("refuses %s (%s)", (_, a) => expect(isPublicAddress(a)).toBe(false));
});

describe("checkWebhookTarget", () => {
  it("returns every address of a public host", async () => {
    expect(await checkWebhookTarget("https://hooks.example.com/r", strict)).toHaveLength(2);
    expect(await checkWebhookTarget("http://93.184.216.34:8080/", strict)).toEqual(["93.184.216.34"]);
  });

  it.each([
    ["a loopback literal", "http://127.0.0.1:9/hook", /127\.0\.0\.1/],
    ["a v6 loopback literal", "http://[::1]/hook", /::1/],
    ["localhost by name", "http://localhost:3000/hook", /internal/],
    ["a name under .internal", "http://metadata.google.internal/computeMetadata", /internal/],
    ["the metadata address by name", "http://metadata.example.com/", /169\.254\.169\.254/],
    ["a name with one private address among public ones", "https://rebind.example.com/", /10\.0\.0\.7/],
    ["a host that does not resolve", "https://nowhere.example.com/", /does not resolve/],
    ["another scheme", "ftp://hooks.example.com/", /http or https/],
    ["not a URL", "hooks.example.com/x", /absolute URL/],
  ])("refuses %s", async (_, url, message) => {
    const refused = checkWebhookTarget(url, strict);
    await expect(refused).rejects.toBeInstanceOf(WebhookTargetRefusedError);
    await expect(refused).rejects.toThrowError(message);
  });

  it("allows private targets when told to (local development)", async () => {
    expect(await checkWebhookTarget("http://127.0.0.1:9/hook", { allowPrivate: true, lookup })).toEqual([
      "127.0.0.1",
    ]);
  });

  it("is never retryable", async () => {
    const err = await checkWebhookTarget("http://10.0.0.1/", strict).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: false, code: "WEBHOOK_TARGET_REFUSED" });
  });
});

describe("guardedLookup", () => {
  const resolve = (host: string, all: boolean) =>
    new Promise<unknown>((ok, fail) =>
      guardedLookup(strict)(host, { all }, (err, address) => (err ? fail(err) : ok(address))),
    );

  it("hands a connection the public addresses it resolved", async () => {
    expect(await resolve("hooks.example.com", false)).toBe("93.184.216.34");
    expect(await resolve("hooks.example.com", true)).toHaveLength(2);
  });

  it("fails the connection when the name now resolves to a private address (DNS rebinding)", async () => {
    await expect(resolve("rebind.example.com", true)).rejects.toBeInstanceOf(WebhookTargetRefusedError);
    await expect(resolve("metadata.example.com", false)).rejects.toThrowError(/169\.254\.169\.254/);
  });
});

describe("WebhookTargetRefusedError", () => {
  it("names the host in its message (the submitter's 400) and never in its reason (what delivery records)", async () => {
    for (const host of ["rebind.example.com", "nohost.example.com", "box.internal"]) {
      const err = await checkWebhookTarget(`http://${host}/`, strict).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WebhookTargetRefusedError);
      const { message, reason } = err as WebhookTargetRefusedError;
      expect(message).toContain(host);
      expect(reason).toMatch(/^the webhook host (is|does)/);
      expect(reason).not.toContain(host);
      expect(reason).not.toContain("10.0.0.7");
    }
  });
});
