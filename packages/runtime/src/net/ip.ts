import { isIP } from 'node:net';

/** An address block; `network` has its host bits cleared. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
}

/**
 * Turns a header or socket value into one canonical spelling, or undefined if it is not an IP.
 * Canonical matters beyond tidiness: the visitor hash is computed from this string, so
 * `2001:DB8:0::1`, `[2001:db8::1]:443` and `2001:db8::1` must not count as three visitors.
 * IPv6 is written as RFC 5952 recommends (lowercase, shortest, longest zero run as `::`), and an
 * IPv4-mapped address (`::ffff:1.2.3.4`, what a dual-stack socket reports) becomes plain IPv4.
 */
export function normalizeIp(raw: string): string | undefined {
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (withPort) text = withPort[1]!;
  // A zone index (`fe80::1%eth0`) names an interface of the receiving host, not the client.
  const zone = text.indexOf('%');
  if (zone > 0 && text.includes(':')) text = text.slice(0, zone);
  text = text.toLowerCase();
  const family = isIP(text);
  if (family === 4) return text;
  if (family !== 6) return undefined;
  const value = v6ToBigInt(text);
  if (value >> 32n === 0xffffn) return formatV4(value & 0xffff_ffffn);
  return formatV6(value);
}

/** Parses `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128 block). */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, extra] = text.trim().toLowerCase().split('/');
  if (extra !== undefined) return undefined;
  const family = isIP(address);
  if (family !== 4 && family !== 6) return undefined;
  const bits = family === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > bits) return undefined;
  }
  const shift = BigInt(bits - prefix);
  const network = ((family === 4 ? v4ToBigInt(address) : v6ToBigInt(address)) >> shift) << shift;
  return { family, network, prefix };
}

/** Whether a normalized address lies in the block; an address of the other family never does. */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const family = isIP(ip);
  if (family !== cidr.family) return false;
  const shift = BigInt((family === 4 ? 32 : 128) - cidr.prefix);
  const value = family === 4 ? v4ToBigInt(ip) : v6ToBigInt(ip);
  return value >> shift === cidr.network >> shift;
}

// IANA's special-purpose registries: none of these can be a visitor's address on the internet,
// so a geo lookup for them is pointless and a forwarded-for header naming them is not the client.
const NOT_PUBLIC_V4 = [
  '0.0.0.0/8', // "this network", includes the unspecified address
  '10.0.0.0/8', // private (RFC 1918)
  '100.64.0.0/10', // carrier-grade NAT (RFC 6598)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation TEST-NET-1
  '192.88.99.0/24', // deprecated 6to4 relay anycast
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation TEST-NET-2
  '203.0.113.0/24', // documentation TEST-NET-3
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, includes the limited broadcast 255.255.255.255
].map((text) => parseCidr(text)!);

/**
 * The same blocks as first and last address in plain numbers: every event from a non-public
 * address (a site behind a proxy on the private network, a local test) takes the public-range
 * test, since such addresses are never cached, and BigInt arithmetic per block cost it ~10 µs.
 */
const NOT_PUBLIC_V4_RANGES = NOT_PUBLIC_V4.map(({ network, prefix }) => {
  const first = Number(network);
  return [first, first + 2 ** (32 - prefix) - 1] as const;
});

// Only 2000::/3 is allocated as global unicast, which already rules out ::, ::1, fc00::/7 (ULA),
// fe80::/10 (link-local), ff00::/8 (multicast) and the NAT64/discard prefixes; these are the
// non-public blocks carved out of it.
const GLOBAL_UNICAST_V6 = parseCidr('2000::/3')!;
const NOT_PUBLIC_V6 = [
  '2001:2::/48', // benchmarking
  '2001:10::/28', // ORCHID (deprecated)
  '2001:db8::/32', // documentation
  '3fff::/20', // documentation (RFC 9637)
  '5f00::/16', // SRv6 SIDs
].map((text) => parseCidr(text)!);

/** Whether the address could belong to a visitor on the public internet. */
export function isPublicIp(ip: string): boolean {
  const address = normalizeIp(ip);
  if (address === undefined) return false;
  if (isIP(address) === 4) {
    const value = v4ToNumber(address);
    for (const [first, last] of NOT_PUBLIC_V4_RANGES) if (value >= first && value <= last) return false;
    return true;
  }
  return cidrContains(GLOBAL_UNICAST_V6, address) && !NOT_PUBLIC_V6.some((cidr) => cidrContains(cidr, address));
}

// The helpers below assume isIP() has already accepted their input.

/** A dotted quad as an unsigned 32-bit number (a double: no sign trouble above 2^31). */
function v4ToNumber(ip: string): number {
  let value = 0;
  let octet = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x2e) {
      value = value * 256 + octet;
      octet = 0;
    } else octet = octet * 10 + c - 0x30;
  }
  return value * 256 + octet;
}

function v4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function v6ToBigInt(ip: string): bigint {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // An embedded IPv4 tail (`::ffff:1.2.3.4`) stands for the last two groups.
    const v4 = v4ToBigInt(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const zeros = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...restGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function formatV6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}
