import type { DatabaseSync } from 'node:sqlite';
import { KINDS, VISIT_ATTRIBUTES, type EventRow, type Visit } from '../../model/events.ts';
import { arrayQuery, type ArrayQuery } from './compat.ts';
import type { StringTable } from './strings.ts';

/**
 * Raw rows of a range from one connection, events joined to their visits. Statements are
 * prepared once and return arrays, not objects: a cold read (a partial sealed day for a
 * comparison) is one of the dashboard's larger costs.
 */
export class RowReader {
  readonly #db: DatabaseSync;
  readonly #strings: StringTable;
  readonly #visitsInRange: ArrayQuery;
  readonly #eventsInRange: ArrayQuery;

  constructor(db: DatabaseSync, strings: StringTable) {
    this.#db = db;
    this.#strings = strings;
    this.#visitsInRange = arrayQuery(
      db.prepare(`SELECT id, bucket, visitor, ${VISIT_ATTRIBUTES.join(', ')} FROM visits WHERE id IN (SELECT DISTINCT visit FROM events WHERE ts >= ? AND ts < ?)`),
    );
    this.#eventsInRange = arrayQuery(db.prepare('SELECT ts, visit, kind, path, name, props, engaged, scroll FROM events WHERE ts >= ? AND ts < ? ORDER BY ts, visit, seq'));
  }

  read(from: number, to: number): EventRow[] {
    // Visits and events from one snapshot: between two autocommit reads the append worker can
    // commit an event whose visit the first read did not see.
    this.#db.exec('BEGIN');
    try {
      return this.#readSnapshot(from, to);
    } finally {
      this.#db.exec('COMMIT');
    }
  }

  #readSnapshot(from: number, to: number): EventRow[] {
    const visits = new Map<number, Visit>();
    for (const v of this.#visitsInRange(from, to)) {
      const visit: Record<string, unknown> = { key: v[0], bucket: v[1], visitor: Buffer.from(v[2] as Uint8Array).toString('hex') };
      VISIT_ATTRIBUTES.forEach((a, i) => {
        const id = v[i + 3];
        if (id !== null) visit[a] = this.#strings.text(id as number);
      });
      visits.set(v[0] as number, visit as unknown as Visit);
    }
    return this.#eventsInRange(from, to).map(([ts, visit, kind, path, name, props, engaged, scroll]) => ({
      ts: ts as number,
      kind: KINDS[kind as number]!,
      path: this.#strings.text(path as number),
      name: (name as string | null) ?? undefined,
      props: props ? (JSON.parse(props as string) as Record<string, string>) : undefined,
      engaged: (engaged as number | null) ?? undefined,
      scroll: (scroll as number | null) ?? undefined,
      visit: visits.get(visit as number)!,
    }));
  }
}
