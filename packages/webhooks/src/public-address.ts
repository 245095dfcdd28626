import ipaddr from "ipaddr.js";

/**
 * True only for a globally routable unicast address. Everything else is refused as a webhook
 * target: loopback, private (RFC 1918, unique-local fc00::/7), link-local (169.254/16 with the
 * cloud metadata service 169.254.169.254, fe80::/10), carrier-grade NAT (100.64/10, where e.g.
 * Alibaba's metadata service lives), unspecified, multicast, broadcast, reserved and documentation
 * ranges, and the IPv6 forms that embed an IPv4 address (NAT64, 6to4, Teredo), which could point
 * at any of those. IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}
