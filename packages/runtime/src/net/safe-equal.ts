import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A per-process key: the digests below are compared, never kept or shown. */
const EQUAL_KEY = randomBytes(32);

/**
 * Constant-time string comparison, length included: both sides are reduced to 32-byte HMACs
 * first, so a wrong guess takes as long whatever its length. (`timingSafeEqual` needs equal
 * lengths, and returning early when they differ tells a guesser how long the secret is.)
 */
export function safeEqual(a: string, b: string): boolean {
  const x = createHmac('sha256', EQUAL_KEY).update(a).digest();
  const y = createHmac('sha256', EQUAL_KEY).update(b).digest();
  return timingSafeEqual(x, y);
}
