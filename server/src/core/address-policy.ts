// Which network addresses a webhook may be sent to: public unicast only, unless an operator
// allow-listed the range. Pure: the SSRF-safe client resolves names and asks this about each address.
import ipaddr from 'ipaddr.js';
import { VARIABLES } from './variables';

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** The address in its most specific form: IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as IPv4. */
function normalize(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/**
 * ::/96 holds the deprecated IPv4-compatible form (::a.b.c.d). ipaddr.js calls it plain unicast,
 * but stacks that still honour it reach the embedded IPv4 address, so the whole range is refused.
 */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

function isIpv4Compatible(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return address.kind() === 'ipv6' && address.match(IPV4_COMPATIBLE);
}

/**
 * IPv6 text may end in a dotted quad (`::127.0.0.1`). ipaddr.js reads any such tail as IPv4-mapped,
 * which would turn `::93.184.216.34` into a public address; spelling the quad as two hex groups
 * first keeps the address what it is.
 */
function hexQuad(text: string): string {
  const match = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!match || !text.includes(':')) return text;
  const [a, b, c, d] = match.slice(2).map(Number);
  if ([a, b, c, d].some((n) => n > 255)) return text;
  return `${match[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** Ranges where a refusal says how to allow the address: this machine and private networks. */
const DEVELOPMENT_RANGES = new Set(['loopback', 'private', 'uniqueLocal']);

function inRanges(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: Cidr[]): boolean {
  return ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

/**
 * Null when the address may be contacted, else the reason it may not. Anything ipaddr.js does not
 * classify as plain `unicast` is refused: loopback, private, link-local (cloud metadata lives at
 * 169.254.169.254), carrier-grade NAT, unspecified, broadcast, multicast, reserved, unique-local,
 * and the IPv6 forms that embed IPv4 (mapped, compatible, NAT64, 6to4, Teredo). The reason names
 * the variable that would let the address through, so a developer's first loopback test says what to do.
 */
export function addressRefusal(text: string, allow: Cidr[]): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(hexQuad(text));
  } catch {
    return `${text} is not an IP address`;
  }
  const address = normalize(parsed);
  if (inRanges(address, allow) || inRanges(parsed, allow)) return null;
  const named = address.range();
  const range = named === 'unicast' && isIpv4Compatible(address) ? 'ipv4Compatible' : named;
  if (range === 'unicast') return null;
  const refusal = `${text} is a ${range} address, which webhooks may not reach`;
  // Only for the ranges a developer points a webhook at on purpose; never a recipe for cloud metadata.
  if (!DEVELOPMENT_RANGES.has(range)) return refusal;
  const cidr = address.kind() === 'ipv4' ? `${address.toString()}/32` : `${address.toString()}/128`;
  return `${refusal} (an operator can allow it with ${VARIABLES.webhookAllowCidrs}=${cidr})`;
}
