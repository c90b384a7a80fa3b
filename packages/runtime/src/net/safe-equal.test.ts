import { describe, expect, it, vi } from 'vitest';

// Timing cannot be asserted reliably, so watch what is compared: the constant-time primitive
// must run on equal-length inputs whatever the lengths of the two strings.
const compared = vi.hoisted(() => [] as [number, number][]);
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  return {
    ...crypto,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compared.push([a.byteLength, b.byteLength]);
      return crypto.timingSafeEqual(a, b);
    },
  };
});
const { safeEqual } = await import('./safe-equal.ts');

describe('safeEqual', () => {
  it('compares in constant time even when the lengths differ', () => {
    compared.length = 0;
    expect(safeEqual('a', 'correct horse battery')).toBe(false);
    expect(safeEqual('correct horse battery staple', 'correct horse battery')).toBe(false);
    expect(compared).toHaveLength(2);
    for (const [a, b] of compared) expect(a).toBe(b);
  });

  it('tells equal strings from different ones', () => {
    expect(safeEqual('correct horse', 'correct horse')).toBe(true);
    expect(safeEqual('correct horse', 'correct horsf')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('é', 'e\u0301')).toBe(false);
  });
});
