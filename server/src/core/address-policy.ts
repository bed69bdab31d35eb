// Which network addresses a webhook may be sent to: public unicast only, unless an operator
// allow-listed the range. Pure: the SSRF-safe client resolves names and asks this about each address.
import ipaddr from 'ipaddr.js';

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** The address in its most specific form: IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as IPv4. */
function normalize(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

function inRanges(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: Cidr[]): boolean {
  return ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

/**
 * Null when the address may be contacted, else the reason it may not. Anything ipaddr.js does not
 * classify as plain `unicast` is refused: loopback, private, link-local (cloud metadata lives at
 * 169.254.169.254), carrier-grade NAT, unspecified, broadcast, multicast, reserved, unique-local,
 * and the IPv6 forms that embed IPv4 (mapped, NAT64, 6to4, Teredo).
 */
export function addressRefusal(text: string, allow: Cidr[]): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(text);
  } catch {
    return `${text} is not an IP address`;
  }
  const address = normalize(parsed);
  if (inRanges(address, allow) || inRanges(parsed, allow)) return null;
  const range = address.range();
  return range === 'unicast' ? null : `${text} is a ${range} address, which webhooks may not reach`;
}
