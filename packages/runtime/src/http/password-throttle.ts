import { createHmac, randomBytes } from 'node:crypto';
import type { HeaderSource } from '../net/headers.ts';
import { parseCidr, type Cidr } from '../net/ip.ts';
import { clientIp } from '../net/client-ip.ts';

/**
 * Wrong passwords per client, shared by every place a password is checked (the login form and
 * `Authorization: Bearer` on the API and the CSV). After `maxFailures` wrong ones within
 * `windowMs` of the first, the client gets 429 until the window ends, for right and wrong
 * passwords alike: letting a right one through would tell a guesser which guess was right.
 *
 * What keeps the owner from being locked out by someone else's guesses:
 * - the client is the one resolved through `trustedProxies` (as the collector does), never the
 *   socket peer alone, so behind a listed proxy a guesser locks out only their own address;
 * - a signed-in owner's session cookie is checked before any password, and never throttled;
 * - there is no cap across all clients: it would let anyone lock the owner out.
 *
 * IPv6 clients count per /64 (one subscriber's usual allocation), so cycling through the
 * addresses of one network gains nothing. Keys are HMACs under a key that lives only in this
 * process, so not even this in-memory table holds an IP.
 */
export class PasswordThrottle {
  readonly #key = randomBytes(32);
  /** In order of window start: a new window deletes and re-inserts, so expired entries lead. */
  readonly #failures = new Map<string, { count: number; until: number }>();

  constructor(
    readonly maxFailures = 5,
    readonly windowMs = 15 * 60_000,
    readonly maxClients = 100_000,
  ) {}

  /** The throttle's key for the client that sent a request (an HMAC, never the address). */
  client(socketAddress: string | undefined, headers: HeaderSource, trustedProxies: readonly Cidr[]): string {
    // The server key is the collector's business: here only trusted proxies may name the client.
    const ip = clientIp(socketAddress, headers, { trustedProxies, serverKey: undefined });
    const block = ip?.includes(':') ? `${parseCidr(`${ip}/64`)!.network}/64` : (ip ?? 'unknown');
    return createHmac('sha256', this.#key).update(block).digest('base64url');
  }

  /** Milliseconds until this client may try a password again; 0 if it may now. */
  blockedFor(client: string, now: number): number {
    const entry = this.#failures.get(client);
    if (!entry || entry.until <= now || entry.count < this.maxFailures) return 0;
    return entry.until - now;
  }

  fail(client: string, now: number): void {
    const entry = this.#failures.get(client);
    if (entry && entry.until > now) {
      entry.count++;
      return;
    }
    this.#failures.delete(client);
    this.#failures.set(client, { count: 1, until: now + this.windowMs });
    this.#forget(now);
  }

  succeed(client: string): void {
    this.#failures.delete(client);
  }

  /** Expired windows go first; past `maxClients`, the oldest windows too (memory stays bounded). */
  #forget(now: number): void {
    for (const [client, entry] of this.#failures) {
      if (entry.until > now && this.#failures.size <= this.maxClients) break;
      this.#failures.delete(client);
    }
  }
}
