import { createHmac, type KeyObject } from 'node:crypto';

/**
 * Visitor id = HMAC-SHA-256(bucket salt, site | ip | user agent), truncated to 128 bits.
 * The salt is random and destroyed when its bucket ends, so afterwards nobody (the owner
 * included) can recompute a hash from an IP: unlike a date-derived salt, which can be brute-
 * forced over all of IPv4 in minutes, or one long-lived secret, which re-identifies every period.
 * Newlines cannot occur in header values, so they separate the fields unambiguously. The salt
 * may come as a KeyObject made once per bucket: building one per request was a measurable cost.
 */
export function visitorHash(salt: KeyObject | Uint8Array, site: string, ip: string, userAgent: string): string {
  return createHmac('sha256', salt).update(`${site}\n${ip}\n${userAgent}`).digest().subarray(0, 16).toString('hex');
}
