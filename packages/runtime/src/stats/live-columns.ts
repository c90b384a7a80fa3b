// Compact storage for the live rollups' per-visit state. A busy day has hundreds of thousands of
// visits; as JavaScript objects with arrays each cost about a kilobyte, as rows of typed arrays
// well under two hundred bytes, and loops over them stay in cache.

type Typed = Int32Array | Float64Array | Uint8Array | Uint16Array | Uint32Array;

/**
 * Growth factor of every column. A column just grown is this much larger than its rows, and a
 * busy day's peak memory is taken at such moments: 1.25 leaves at most a fifth unused (1.5 left a
 * third: 85 MB of columns at 273,000 visits instead of 65). Growing transfers the buffer (below),
 * so more frequent growth costs little.
 */
const GROW = 1.25;

/** ArrayBuffer.prototype.transfer (Node 22+; Node 20 copies instead). */
const canTransfer = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function';

/**
 * A column with room for `capacity` rows, its first rows kept (all of them when it grows).
 * Transferring moves the old store into the new buffer and frees it at once (often growing it in
 * place); a copy would leave the old store allocated until a major GC collects its array, which
 * on a busy day held tens of MB of outgrown columns.
 */
export function resized<T extends Typed>(old: T, capacity: number, fill?: number): T {
  const Column = old.constructor as new (n: number | ArrayBufferLike) => T;
  const rows = Math.min(old.length, capacity);
  let next: T;
  if (canTransfer && old.byteOffset === 0 && old.byteLength === old.buffer.byteLength) {
    next = new Column((old.buffer as ArrayBuffer & { transfer(n: number): ArrayBuffer }).transfer(capacity * old.BYTES_PER_ELEMENT));
  } else {
    next = new Column(capacity);
    next.set(old.subarray(0, rows));
  }
  if (fill !== undefined) next.fill(fill, rows);
  return next;
}

/**
 * Rows of numeric columns, appended one at a time. Columns named in `minusOne` start at -1
 * (list heads and ids, where -1 means none).
 */
export class Table<I extends string, F extends string> {
  ints: Record<I, Int32Array>;
  floats: Record<F, Float64Array>;
  length = 0;
  /** Rows the columns have room for; kept here because every new visit and list cell asks. */
  #capacity = 16;
  readonly #minusOne: ReadonlySet<string>;

  constructor(ints: readonly I[], floats: readonly F[], minusOne: readonly I[] = []) {
    this.#minusOne = new Set(minusOne);
    this.ints = Object.fromEntries(ints.map((n) => [n, new Int32Array(this.#capacity).fill(this.#minusOne.has(n) ? -1 : 0)])) as Record<I, Int32Array>;
    this.floats = Object.fromEntries(floats.map((n) => [n, new Float64Array(this.#capacity)])) as Record<F, Float64Array>;
  }

  /** Appends a row of zeros (and -1s) and returns its index. */
  add(): number {
    if (this.length === this.#capacity) {
      const next = (this.#capacity = Math.ceil(this.#capacity * GROW));
      for (const n of Object.keys(this.ints) as I[]) this.ints[n] = resized(this.ints[n], next, this.#minusOne.has(n) ? -1 : 0);
      for (const n of Object.keys(this.floats) as F[]) this.floats[n] = resized(this.floats[n], next);
    }
    return this.length++;
  }
}

/**
 * A visit's group id for each visit attribute, a row per visit in one array (row i at
 * [i * width, (i + 1) * width)). An attribute has few values beside the day's visits (browsers,
 * countries, sources), so a cell holds the value's index among its attribute's groups (+1; 0:
 * absent) in 16 bits, and widens to 32 bits once an attribute has 65,535 values: half the
 * memory of a group id per cell (22 MB at 273,000 visits).
 */
export class AttributeRows {
  data: Uint16Array | Uint32Array;
  length = 0;
  readonly width: number;
  /** Per attribute: its cells' indexes -> group ids, and back. */
  readonly #groups: number[][];
  readonly #index: Map<number, number>[];

  constructor(width: number) {
    this.width = width;
    this.data = new Uint16Array(16 * width);
    this.#groups = Array.from({ length: width }, () => []);
    this.#index = Array.from({ length: width }, () => new Map());
  }

  /** Appends a row with every attribute absent and returns its index. */
  add(): number {
    if ((this.length + 1) * this.width > this.data.length) this.data = resized(this.data, Math.ceil((this.data.length / this.width) * GROW) * this.width, 0);
    return this.length++;
  }

  /** The group id of attribute `i` of `row`, or -1. */
  get(row: number, i: number): number {
    const cell = this.data[row * this.width + i]!;
    return cell === 0 ? -1 : this.#groups[i]![cell - 1]!;
  }

  set(row: number, i: number, group: number): void {
    let index = this.#index[i]!.get(group);
    if (index === undefined) {
      index = this.#groups[i]!.push(group) - 1;
      this.#index[i]!.set(group, index);
      if (index + 1 > 0xffff && this.data instanceof Uint16Array) this.data = Uint32Array.from(this.data);
    }
    this.data[row * this.width + i] = index + 1;
  }
}

/**
 * Singly linked lists of int cells in one pool, with a free list: a visit's groups, its active
 * chart slots, its engagement tail. Each list is addressed by the index of its head (-1: empty).
 */
export class ListPool {
  readonly #cells: Table<'a' | 'b' | 'c' | 'next', 'x'>;
  #free = -1;

  /** Cells hold `a`, and `b`, `c` (ints) and `x` (a float) only where asked: 8 to 24 bytes a cell. */
  constructor(columns: { b?: boolean; c?: boolean; x?: boolean } = {}) {
    const ints = ['a', 'next', ...(columns.b ? ['b'] : []), ...(columns.c ? ['c'] : [])] as ('a' | 'b' | 'c' | 'next')[];
    this.#cells = new Table(ints, columns.x ? ['x'] : [], ['next']) as Table<'a' | 'b' | 'c' | 'next', 'x'>;
  }

  get a(): Int32Array {
    return this.#cells.ints.a;
  }

  get b(): Int32Array {
    return this.#cells.ints.b;
  }

  /** A float per cell, for values that may not fit 32 bits (times in long rotations). */
  get x(): Float64Array {
    return this.#cells.floats.x;
  }

  get c(): Int32Array {
    return this.#cells.ints.c;
  }

  get next(): Int32Array {
    return this.#cells.ints.next;
  }

  /** A new cell in front of `head`; returns the new head. */
  push(head: number, a: number, b = 0, x = 0): number {
    let cell = this.#free;
    if (cell >= 0) this.#free = this.#cells.ints.next[cell]!;
    else cell = this.#cells.add();
    this.#cells.ints.a[cell] = a;
    const { ints, floats } = this.#cells;
    if (ints.b) ints.b[cell] = b;
    if (ints.c) ints.c[cell] = 0;
    if (floats.x) floats.x[cell] = x;
    this.#cells.ints.next[cell] = head;
    return cell;
  }

  /** Frees a whole list. */
  clear(head: number): void {
    const next = this.#cells.ints.next;
    for (let c = head; c >= 0; ) {
      const rest = next[c]!;
      next[c] = this.#free;
      this.#free = c;
      c = rest;
    }
  }

  has(head: number, value: number): boolean {
    return this.find(head, value) >= 0;
  }

  /** The cell whose `a` is `value`, or -1. */
  find(head: number, value: number): number {
    const { a, next } = this.#cells.ints;
    for (let c = head; c >= 0; c = next[c]!) if (a[c] === value) return c;
    return -1;
  }
}
