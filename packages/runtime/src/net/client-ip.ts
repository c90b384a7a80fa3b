import { isIPv4 } from 'node:net';
import type { HeaderSource } from './headers.ts';
import { cidrContains, normalizeIp, type Cidr } from './ip.ts';
import { safeEqual } from './safe-equal.ts';

export interface ClientIpPolicy {
  readonly trustedProxies: readonly Cidr[];
  readonly serverKey: string | undefined;
}

/**
 * The visitor's IP. By default the socket peer: X-Forwarded-For is client-controlled and is
 * believed only (a) hop by hop from the right while each hop is a trusted proxy, or (b) whole,
 * left-most entry, when a server-side caller proves itself with the server key.
 */
export function clientIp(socketAddress: string | undefined, headers: HeaderSource, policy: ClientIpPolicy): string | undefined {
  const peer = socketAddress ? socketIp(socketAddress) : undefined;
  const header = headers.get('x-forwarded-for');
  if (!header) return peer;
  const forwarded = header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (forwarded.length > 0 && hasServerKey(headers, policy.serverKey)) {
    const asserted = normalizeIp(forwarded[0]!);
    if (asserted) return asserted;
  }
  let ip = peer;
  for (let i = forwarded.length - 1; i >= 0 && ip && isTrusted(ip, policy.trustedProxies); i--) {
    const hop = normalizeIp(forwarded[i]!);
    if (!hop) break;
    ip = hop;
  }
  return ip;
}

/**
 * `normalizeIp` for what a socket reports, with its two everyday spellings answered directly:
 * plain IPv4, and IPv4 mapped into IPv6 by a dual-stack socket (`::ffff:1.2.3.4`), which
 * normalizeIp would otherwise take through its IPv6 arithmetic to reach the same `1.2.3.4`.
 * Node's isIPv4 accepts only canonical dotted quads, which normalizeIp returns unchanged.
 */
function socketIp(address: string): string | undefined {
  if (isIPv4(address)) return address;
  if (address.startsWith('::ffff:')) {
    const v4 = address.slice(7);
    if (isIPv4(v4)) return v4;
  }
  return normalizeIp(address);
}

function isTrusted(ip: string, proxies: readonly Cidr[]): boolean {
  return proxies.some((cidr) => cidrContains(cidr, ip));
}

export function hasServerKey(headers: HeaderSource, serverKey: string | undefined): boolean {
  if (!serverKey) return false;
  const auth = headers.get('authorization') ?? '';
  return auth.startsWith('Bearer ') && safeEqual(auth.slice(7), serverKey);
}
