import type { EventRow, StoredEvent, Visit } from '../types.ts';
import { VISIT_ATTRIBUTES } from '../types.ts';
import type { AppendResult } from './event-writer.ts';

/** Above this many unsealed events the cache is not kept: memory stays bounded. */
export const HOT_MAX_ROWS = 300_000;

/** A row with its primary key (`ts:visit:seq`), so the cache never holds one event twice. */
export interface KeyedRow extends EventRow {
  readonly key: string;
}

/**
 * The unsealed tail of the events (the open bucket), in memory: every dashboard panel reads it,
 * and sealed history is answered by rollups. Rows come from this process's own appends and, when
 * the database says another connection wrote, from a re-read of the recent rows.
 */
export class HotRows {
  #rows: KeyedRow[];
  #keys = new Set<string>();
  #sorted = true;
  #latest = -Infinity;
  /** Visits are shared objects, as in rows read from the database. */
  #visits = new Map<number, Visit>();
  readonly from: number;
  version: number;

  constructor(from: number, version: number, rows: KeyedRow[]) {
    this.from = from;
    this.version = version;
    this.#rows = [];
    this.merge(rows, version);
  }

  /** Time of the newest row held. */
  get latest(): number {
    return Math.max(this.#latest, this.from);
  }

  merge(rows: readonly KeyedRow[], version: number): void {
    this.version = version;
    for (const r of rows) {
      if (r.ts < this.from || this.#keys.has(r.key)) continue;
      const visit = this.#visits.get(r.visit.key) ?? r.visit;
      this.#visits.set(visit.key, visit);
      this.#push({ ...r, visit });
    }
  }

  add(events: readonly StoredEvent[], placed: AppendResult): void {
    events.forEach((e, i) => {
      const key = placed.visits[i]!;
      const rowKey = `${e.ts}:${key}:${placed.seqs[i]}`;
      if (e.ts < this.from || this.#keys.has(rowKey)) return;
      let visit = this.#visits.get(key);
      if (!visit) {
        const v: Record<string, unknown> = { key, bucket: e.bucket, visitor: e.visitor };
        for (const a of VISIT_ATTRIBUTES) if (e[a] !== undefined) v[a] = e[a];
        visit = v as unknown as Visit;
        this.#visits.set(key, visit);
      }
      this.#push({ key: rowKey, ts: e.ts, kind: e.kind, path: e.path, name: e.name, props: e.props, engaged: e.engaged, visit });
    });
  }

  #push(row: KeyedRow): void {
    const last = this.#rows.at(-1);
    if (last && row.ts < last.ts) this.#sorted = false;
    this.#rows.push(row);
    this.#keys.add(row.key);
    this.#latest = Math.max(this.#latest, row.ts);
  }

  slice(from: number, to: number): EventRow[] {
    if (!this.#sorted) {
      this.#rows.sort((a, b) => a.ts - b.ts);
      this.#sorted = true;
    }
    return this.#rows.slice(lowerBound(this.#rows, from), lowerBound(this.#rows, to));
  }
}

function lowerBound(rows: readonly EventRow[], ts: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
