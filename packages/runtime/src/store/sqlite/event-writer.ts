// Runs inside the append worker, so it is plain TypeScript that Node's type stripping accepts
// (no parameter properties, no enums) and imports nothing from the rest of the runtime that would
// pull those in.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { KIND_CODES, type StoredEvent, VISIT_ATTRIBUTES } from '../../model/events.ts';
import { openConnection } from './connection.ts';
import { StringTable } from './strings.ts';

/** Where each appended event went: its visit's row id and its seq, to key it in caches. */
export interface AppendResult {
  readonly visits: number[];
  readonly seqs: number[];
  /** This writer's id and the number of this commit among its own (see the `writers` table). */
  readonly writer: string;
  readonly commit: number;
}

/**
 * An event of a visit this writer has already committed: the event's own columns and the visit's
 * row id, without the visitor hash and visit attributes the row already holds (the main thread
 * sends these to spare both threads cloning ~20 fields per event; see WriterThread).
 */
export interface PlacedEvent {
  readonly visit: number;
  readonly ts: number;
  readonly kind: StoredEvent['kind'];
  readonly path: string;
  readonly name?: string | undefined;
  readonly props?: Record<string, string> | undefined;
  readonly engaged?: number | undefined;
  readonly scroll?: number | undefined;
}

export type AppendEvent = StoredEvent | PlacedEvent;

/** Turns events into rows: finds or creates their visit, interns strings, commits once. */
export class EventWriter {
  #db: DatabaseSync;
  #strings: StringTable;
  #visitIds = new Map<string, number>();
  #seqTs = -1;
  #seqs = new Map<number, number>();
  #insertEvent: StatementSync;
  #insertVisit: StatementSync;
  #findVisit: StatementSync;
  #countCommit: StatementSync;
  readonly #id: string;
  #closed = false;

  /** `id` names this writer in the `writers` table (its commits are counted there). */
  constructor(file: string, id: string) {
    this.#id = id;
    this.#db = openConnection(file);
    this.#strings = new StringTable(this.#db);
    this.#insertEvent = this.#db.prepare('INSERT INTO events (ts, visit, seq, kind, path, name, props, engaged, scroll) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.#insertVisit = this.#db.prepare(
      `INSERT INTO visits (bucket, session, visitor, ${VISIT_ATTRIBUTES.join(', ')}) VALUES (?, ?, ?, ${VISIT_ATTRIBUTES.map(() => '?').join(', ')}) RETURNING id`,
    );
    this.#findVisit = this.#db.prepare('SELECT id FROM visits WHERE session = ? AND bucket = ?');
    this.#countCommit = this.#db.prepare('INSERT INTO writers (id, commits) VALUES (?, 1) ON CONFLICT (id) DO UPDATE SET commits = commits + 1 RETURNING commits');
  }

  /** One transaction for the batch; throws (after rolling back) if any part fails. */
  append(events: readonly AppendEvent[]): AppendResult {
    const visits: number[] = [];
    const seqs: number[] = [];
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const e of events) {
        const placed = (e as PlacedEvent).visit;
        const visit = typeof placed === 'number' ? placed : this.#visitId(e as StoredEvent);
        visits.push(visit);
        seqs.push(this.#insertRow(e, visit));
      }
      const commit = Number((this.#countCommit.get(this.#id) as { commits: number }).commits);
      this.#db.exec('COMMIT');
      return { visits, seqs, writer: this.#id, commit };
    } catch (error) {
      // After some failures (a full disk, an I/O error) SQLite has already rolled back, and a
      // ROLLBACK of ours would throw "no transaction is active" over the real cause.
      try {
        this.#db.exec('ROLLBACK');
      } catch {}
      this.#forget();
      throw error;
    }
  }

  /**
   * Ids cached inside a rolled-back transaction no longer exist, and another process may reuse
   * them: drop every cached id (visits, strings, seqs) and read them again on demand, or later
   * events would be stored under another page or visit.
   */
  #forget(): void {
    this.#visitIds.clear();
    this.#strings.forget();
    this.#seqTs = -1;
    this.#seqs.clear();
  }

  #insertRow(e: AppendEvent, visit: number): number {
    // Own keys only: a kind named `constructor` must fail this event, not reach the table.
    if (!Object.hasOwn(KIND_CODES, e.kind)) throw new TypeError(`unknown event kind ${JSON.stringify(e.kind)}`);
    const values = [KIND_CODES[e.kind], this.#strings.intern(e.path), e.name ?? null, e.props ? JSON.stringify(e.props) : null, e.engaged ?? null, e.scroll ?? null] as const;
    // Two events of one visit in the same millisecond (an SPA's engagement report and the next
    // pageview) differ by seq. This writer numbers its own; a clash with another process's
    // event fails only that INSERT (not the transaction) and tries the next number.
    if (e.ts !== this.#seqTs) {
      this.#seqTs = e.ts;
      this.#seqs.clear();
    }
    const first = this.#seqs.get(visit) ?? 0;
    for (let seq = first; ; seq++) {
      try {
        this.#insertEvent.run(e.ts, visit, seq, ...values);
        this.#seqs.set(visit, seq + 1);
        return seq;
      } catch (error) {
        if (seq >= first + 1000 || !/UNIQUE/.test((error as Error).message)) throw error;
      }
    }
  }

  #visitId(e: StoredEvent): number {
    const key = `${e.bucket}|${e.session}`;
    let id = this.#visitIds.get(key);
    if (id !== undefined) return id;
    const found = this.#findVisit.get(e.session, e.bucket) as { id: number } | undefined;
    if (found) id = Number(found.id);
    else {
      const values = VISIT_ATTRIBUTES.map((a) => (e[a] === undefined ? null : this.#strings.intern(e[a])));
      id = Number((this.#insertVisit.get(e.bucket, e.session, Buffer.from(e.visitor, 'hex'), ...values) as { id: number }).id);
    }
    // The cache only needs the open buckets' visits; drop the rest when it grows.
    if (this.#visitIds.size > 50_000) this.#visitIds.clear();
    this.#visitIds.set(key, id);
    return id;
  }

  close(): void {
    // Tracked here: Node 22.13 has no `db.isOpen`.
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}
