// Hash tables over typed arrays for the live rollups' per-visit indexes. A busy day has hundreds
// of thousands of visits: as a Map, each entry costs 40-50 bytes of heap (the map of visit keys
// alone was 14 MB at 273,000 visits), here a slot is 12 bytes and half to two thirds of the slots
// are in use. Open addressing with linear probing; the capacity is a power of two.

/** Past this share of slots in use the table doubles. */
const MAX_LOAD = 0.7;

/** Mixes two 32-bit ints into a slot index (multiplicative hashing, then the high bits folded in). */
function mix(a: number, b: number, mask: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b ^ (b >>> 15), 0x85ebca6b);
  h ^= h >>> 16;
  return h & mask;
}

/** Number keys (a store's visit keys: row ids) to non-negative int values. */
export class NumberIndex {
  #keys: Float64Array;
  #values: Int32Array;
  #mask: number;
  size = 0;

  constructor(capacity = 1024) {
    this.#keys = new Float64Array(capacity).fill(Number.NaN);
    this.#values = new Int32Array(capacity);
    this.#mask = capacity - 1;
  }

  #slot(key: number): number {
    // Keys beyond 32 bits (a row id past 2^32) hash by both halves; a fraction still works, its
    // integer part is the hash and the comparison below is exact.
    return mix(key | 0, (key / 4294967296) | 0, this.#mask);
  }

  /** The value stored for `key`, or -1. */
  get(key: number): number {
    const keys = this.#keys;
    for (let i = this.#slot(key); ; i = (i + 1) & this.#mask) {
      const k = keys[i]!;
      if (k === key) return this.#values[i]!;
      if (Number.isNaN(k)) return -1; // an empty slot ends the probe
    }
  }

  has(key: number): boolean {
    return this.get(key) >= 0;
  }

  /** Stores `value` (>= 0) for `key`, replacing what it held. NaN is not a key. */
  set(key: number, value: number): void {
    if (this.size + 1 > (this.#mask + 1) * MAX_LOAD) this.#grow();
    const keys = this.#keys;
    let i = this.#slot(key);
    for (; ; i = (i + 1) & this.#mask) {
      const k = keys[i]!;
      if (k === key) break;
      if (Number.isNaN(k)) {
        keys[i] = key;
        this.size++;
        break;
      }
    }
    this.#values[i] = value;
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    const capacity = (this.#mask + 1) * 2;
    this.#keys = new Float64Array(capacity).fill(Number.NaN);
    this.#values = new Int32Array(capacity);
    this.#mask = capacity - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (!Number.isNaN(keys[i])) this.set(keys[i]!, values[i]!);
  }
}

/**
 * Counts per pair of non-negative ints (a visitor and a group: how many of the visitor's visits
 * are in it). A count that falls to 0 leaves no entry.
 */
export class PairCounts {
  /** Slot i is [a, b, count] at 3i; a = -1: empty. */
  #slots: Int32Array;
  #mask: number;
  size = 0;

  constructor(capacity = 1024) {
    this.#slots = new Int32Array(capacity * 3).fill(-1);
    this.#mask = capacity - 1;
  }

  /** The slot holding (a, b), or the empty slot where it would go, as a negative number: -1 - slot. */
  #find(a: number, b: number): number {
    const s = this.#slots;
    for (let i = mix(a, b, this.#mask); ; i = (i + 1) & this.#mask) {
      const at = s[3 * i]!;
      if (at === -1) return -1 - i;
      if (at === a && s[3 * i + 1] === b) return i;
    }
  }

  get(a: number, b: number): number {
    const i = this.#find(a, b);
    return i >= 0 ? this.#slots[3 * i + 2]! : 0;
  }

  /** Adds `delta` to the pair's count; the count must not fall below 0. */
  add(a: number, b: number, delta: number): void {
    let i = this.#find(a, b);
    if (i >= 0) {
      const n = this.#slots[3 * i + 2]! + delta;
      if (n > 0) this.#slots[3 * i + 2] = n;
      else this.#remove(i);
      return;
    }
    if (delta <= 0) return;
    if (this.size + 1 > (this.#mask + 1) * MAX_LOAD) {
      this.#grow();
      i = this.#find(a, b);
    }
    i = -1 - i;
    this.#slots.set([a, b, delta], 3 * i);
    this.size++;
  }

  /** Empties slot i and moves later entries of its probe run back, so no probe stops early. */
  #remove(i: number): void {
    const s = this.#slots;
    const mask = this.#mask;
    for (let j = (i + 1) & mask; s[3 * j] !== -1; j = (j + 1) & mask) {
      const home = mix(s[3 * j]!, s[3 * j + 1]!, mask);
      // The entry at j may move to i unless its home lies cyclically in (i, j].
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      s.copyWithin(3 * i, 3 * j, 3 * j + 3);
      i = j;
    }
    s[3 * i] = -1;
    this.size--;
  }

  #grow(): void {
    const old = this.#slots;
    const capacity = (this.#mask + 1) * 2;
    this.#slots = new Int32Array(capacity * 3).fill(-1);
    this.#mask = capacity - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 3) if (old[i] !== -1) this.add(old[i]!, old[i + 1]!, old[i + 2]!);
  }
}
