import { createHmac, hash, type KeyObject } from 'node:crypto';

/**
 * Visitor id = HMAC-SHA-256(bucket salt, site | ip | user agent), truncated to 128 bits.
 * The salt is random and destroyed when its bucket ends, so afterwards nobody (the owner
 * included) can recompute a hash from an IP: unlike a date-derived salt, which can be brute-
 * forced over all of IPv4 in minutes, or one long-lived secret, which re-identifies every period.
 * Newlines cannot occur in header values, so they separate the fields unambiguously.
 */
export function visitorHash(salt: KeyObject | Uint8Array, site: string, ip: string, userAgent: string): string {
  return createHmac('sha256', salt)
    .update(message(site, ip, userAgent))
    .digest('hex')
    .slice(0, 32);
}

function message(site: string, ip: string, userAgent: string): string {
  return `${site}\n${ip}\n${userAgent}`;
}

const BLOCK = 64;
/** Longer messages (a user agent near Node's header size limit) take createHmac's path. */
const SCRATCH_BYTES = 4096;

/**
 * The same HMAC as `visitorHash`, made for one salt and computed as RFC 2104 writes it, from two
 * one-shot `crypto.hash` calls over pads prepared once. It answers the collector's every request:
 * `createHmac` builds a stream object and a native context per call, which cost about three times
 * the hashing itself, and a digest returned as a Buffer costs more than one returned as a string.
 */
export class VisitorHasher {
  readonly #salt: Uint8Array;
  /** ipad-key, then room for the message. */
  readonly #inner = Buffer.alloc(BLOCK + SCRATCH_BYTES);
  /** opad-key, then the inner digest. */
  readonly #outer = Buffer.alloc(BLOCK + 32);

  constructor(salt: Uint8Array) {
    this.#salt = salt;
    // A key longer than the block is hashed first (RFC 2104 section 2); salts are 32 bytes.
    const key = salt.byteLength > BLOCK ? hash('sha256', salt, 'buffer') : salt;
    for (let i = 0; i < BLOCK; i++) {
      const k = key[i] ?? 0;
      this.#inner[i] = k ^ 0x36;
      this.#outer[i] = k ^ 0x5c;
    }
  }

  hash(site: string, ip: string, userAgent: string): string {
    const text = message(site, ip, userAgent);
    // UTF-8 takes at most 3 bytes per UTF-16 unit: this bound needs no byteLength pass.
    if (text.length * 3 > SCRATCH_BYTES) return visitorHash(this.#salt, site, ip, userAgent);
    const length = this.#inner.write(text, BLOCK, 'utf8');
    // 'binary' is latin1: one character per byte, and a string costs less to return than a Buffer.
    const inner = hash('sha256', this.#inner.subarray(0, BLOCK + length), 'binary');
    this.#outer.write(inner, BLOCK, 'latin1');
    return hash('sha256', this.#outer, 'hex').slice(0, 32);
  }
}
