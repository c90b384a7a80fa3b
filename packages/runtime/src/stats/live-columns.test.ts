import { describe, expect, it } from 'vitest';
import { AttributeRows } from './live-columns.ts';

describe('AttributeRows', () => {
  it('gives back the group ids of each row, absent ones as -1, and widens past 65,535 values of one attribute', () => {
    const rows = new AttributeRows(3);
    const expected: number[][] = [];
    for (let r = 0; r < 70_000; r++) {
      expect(rows.add()).toBe(r);
      // Attribute 0: a value per row, ids far beyond 16 bits; 1: three values; 2: absent on odd rows.
      const row = [1_000_000 + r, 7 + (r % 3), r % 2 ? -1 : 42];
      for (const [i, g] of row.entries()) if (g >= 0) rows.set(r, i, g);
      expected.push(row);
    }
    expect(rows.data).toBeInstanceOf(Uint32Array);
    for (let r = 0; r < expected.length; r++) expect([0, 1, 2].map((i) => rows.get(r, i))).toEqual(expected[r]);
  });

  it('stays 16 bits a cell while every attribute has fewer values', () => {
    const rows = new AttributeRows(14);
    for (let r = 0; r < 1000; r++) rows.set(rows.add(), r % 14, 5_000_000 + (r % 100));
    expect(rows.data).toBeInstanceOf(Uint16Array);
    expect(rows.get(999, 999 % 14)).toBe(5_000_000 + 99);
    expect(rows.get(999, 0)).toBe(-1);
  });
});
