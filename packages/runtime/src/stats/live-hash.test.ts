import { describe, expect, it } from 'vitest';
import { NumberIndex, PairCounts } from './live-hash.ts';

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

describe('NumberIndex', () => {
  it('answers like a Map through growth, for row ids, large ids and replaced values', () => {
    const index = new NumberIndex(8);
    const map = new Map<number, number>();
    const r = random(1);
    for (let i = 0; i < 50_000; i++) {
      // Mostly consecutive row ids (how a store hands them out), some far beyond 32 bits.
      const key = r() < 0.9 ? 1_000 + i : Math.floor(r() * 2 ** 52);
      index.set(key, i);
      map.set(key, i);
    }
    index.set(1_000, 7); // replaced, not added
    map.set(1_000, 7);
    expect(index.size).toBe(map.size);
    for (const [key, value] of map) expect(index.get(key)).toBe(value);
    expect(index.get(999)).toBe(-1);
    expect(index.has(2 ** 53 - 1)).toBe(false);
  });
});

describe('PairCounts', () => {
  it('counts like a Map of counts through adds, removals to zero and growth', () => {
    const counts = new PairCounts(8);
    const map = new Map<string, number>();
    const r = random(2);
    for (let i = 0; i < 200_000; i++) {
      // Few visitors and groups, so pairs collide, fall to 0 and come back (removal moves probe runs).
      const a = Math.floor(r() * 300);
      const b = Math.floor(r() * 400);
      const key = `${a},${b}`;
      const has = map.get(key) ?? 0;
      const delta = has > 0 && r() < 0.45 ? -1 : 1;
      counts.add(a, b, delta);
      if (has + delta > 0) map.set(key, has + delta);
      else map.delete(key);
    }
    expect(counts.size).toBe(map.size);
    for (let a = 0; a < 300; a++) for (let b = 0; b < 400; b++) expect(counts.get(a, b)).toBe(map.get(`${a},${b}`) ?? 0);
  });
});
