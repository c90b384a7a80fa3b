import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { FootfallStorageError } from '../../errors.ts';
import { computeBreakdown, computeRealtime, computeTimeseries, computeTotals } from '../../stats/compute.ts';
import { KIND_CODES, KINDS, VISIT_ATTRIBUTES, type EventRow, type StatsQuery, type Store, type StoredEvent, type Visit } from '../types.ts';
import { migrate } from './schema.ts';

export const SQLITE_FILE = 'footfall.db';

type Row = Record<string, unknown>;

/**
 * The default engine, on node:sqlite (no native addon). WAL lets the dashboard read while the
 * collector writes; synchronous=FULL makes each group commit durable against power loss, which
 * batching keeps cheap. secure_delete zeroes deleted content, so a destroyed salt leaves no copy.
 */
export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly file: string;
  #db: DatabaseSync;
  #visitIds = new Map<string, number>();
  #salts = new Map<number, Uint8Array>();
  #insertEvent: StatementSync;
  #insertVisit: StatementSync;
  #findVisit: StatementSync;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, SQLITE_FILE);
    try {
      this.#db = new DatabaseSync(this.file, { timeout: 5000 });
      this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;');
      migrate(this.#db);
    } catch (error) {
      throw new FootfallStorageError(`cannot open the SQLite database ${this.file}: ${(error as Error).message}. Check that FOOTFALL_DATA_DIR is writable.`, { cause: error });
    }
    this.#insertEvent = this.#db.prepare('INSERT INTO events (ts, visit, kind, path, name, props, engaged) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.#insertVisit = this.#db.prepare(
      `INSERT INTO visits (bucket, session, visitor, ${VISIT_ATTRIBUTES.join(', ')}) VALUES (?, ?, ?, ${VISIT_ATTRIBUTES.map(() => '?').join(', ')}) RETURNING id`,
    );
    this.#findVisit = this.#db.prepare('SELECT id FROM visits WHERE session = ? AND bucket = ?');
  }

  async append(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    const db = this.#db;
    try {
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const e of events) {
          this.#insertEvent.run(e.ts, this.#visitId(e), KIND_CODES[e.kind], e.path, e.name ?? null, e.props ? JSON.stringify(e.props) : null, e.engaged ?? null);
        }
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        // Ids handed out inside the rolled-back transaction no longer exist.
        this.#visitIds.clear();
        throw error;
      }
    } catch (error) {
      throw new FootfallStorageError(`could not store ${events.length} event(s): ${(error as Error).message}`, { cause: error });
    }
  }

  #visitId(e: StoredEvent): number {
    const key = `${e.bucket}|${e.session}`;
    let id = this.#visitIds.get(key);
    if (id !== undefined) return id;
    const found = this.#findVisit.get(e.session, e.bucket) as Row | undefined;
    if (found) id = Number(found.id);
    else {
      const values = VISIT_ATTRIBUTES.map((a) => e[a] ?? null);
      id = Number((this.#insertVisit.get(e.bucket, e.session, Buffer.from(e.visitor, 'hex'), ...values) as Row).id);
    }
    // The cache only needs the open buckets' visits; drop the rest when it grows.
    if (this.#visitIds.size > 50_000) this.#visitIds.clear();
    this.#visitIds.set(key, id);
    return id;
  }

  /** Events in [from, to) joined to their visits; what the shared metric code reads. */
  #rows(from: number, to: number): EventRow[] {
    const visits = new Map<number, Visit>();
    const visitRows = this.#db
      .prepare(`SELECT * FROM visits WHERE id IN (SELECT DISTINCT visit FROM events WHERE ts >= ? AND ts < ?)`)
      .all(from, to) as Row[];
    for (const v of visitRows) {
      const visit: Record<string, unknown> = { key: Number(v.id), bucket: Number(v.bucket), visitor: Buffer.from(v.visitor as Uint8Array).toString('hex') };
      for (const a of VISIT_ATTRIBUTES) if (v[a] !== null) visit[a] = v[a];
      visits.set(visit.key as number, visit as unknown as Visit);
    }
    const events = this.#db.prepare('SELECT ts, visit, kind, path, name, props, engaged FROM events WHERE ts >= ? AND ts < ? ORDER BY ts').all(from, to) as Row[];
    return events.map((e) => ({
      ts: Number(e.ts),
      kind: KINDS[Number(e.kind)]!,
      path: e.path as string,
      name: (e.name as string | null) ?? undefined,
      props: e.props ? (JSON.parse(e.props as string) as Record<string, string>) : undefined,
      engaged: e.engaged === null ? undefined : Number(e.engaged),
      visit: visits.get(Number(e.visit))!,
    }));
  }

  async totals(q: StatsQuery) {
    return computeTotals(this.#rows(q.from, q.to), q);
  }

  async timeseries(q: StatsQuery, intervals: Parameters<Store['timeseries']>[1]) {
    return computeTimeseries(this.#rows(q.from, q.to), q, intervals);
  }

  async breakdown(q: StatsQuery, property: Parameters<Store['breakdown']>[1], limit: number) {
    return computeBreakdown(this.#rows(q.from, q.to), q, property, limit);
  }

  async realtime(since: number) {
    return computeRealtime(this.#rows(since, Number.MAX_SAFE_INTEGER), since);
  }

  async earliest() {
    const row = this.#db.prepare('SELECT min(ts) AS ts FROM events').get() as Row;
    return row.ts === null ? undefined : Number(row.ts);
  }

  async salt(bucket: number): Promise<Uint8Array> {
    const cached = this.#salts.get(bucket);
    if (cached) return cached;
    // INSERT OR IGNORE then SELECT: whichever process comes first creates it; all read the same.
    this.#db.prepare('INSERT OR IGNORE INTO salts (bucket, salt) VALUES (?, ?)').run(bucket, randomBytes(32));
    const row = this.#db.prepare('SELECT salt FROM salts WHERE bucket = ?').get(bucket) as Row;
    const salt = new Uint8Array(row.salt as Uint8Array);
    this.#salts.set(bucket, salt);
    return salt;
  }

  async destroySaltsBefore(bucket: number): Promise<void> {
    for (const b of this.#salts.keys()) if (b < bucket) this.#salts.delete(b);
    const { changes } = this.#db.prepare('DELETE FROM salts WHERE bucket < ?').run(bucket);
    if (Number(changes) > 0) this.#checkpoint();
  }

  /** Moves the WAL into the database (where secure_delete zeroed the row) and empties it. */
  #checkpoint(): void {
    this.#db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  async prune(before: number, bucket: number): Promise<number> {
    const { changes } = this.#db.prepare('DELETE FROM events WHERE ts < ?').run(before);
    this.#db.prepare('DELETE FROM visits WHERE bucket < ?').run(bucket);
    this.#visitIds.clear();
    if (Number(changes) > 0) this.#checkpoint();
    return Number(changes);
  }

  async close(): Promise<void> {
    if (!this.#db.isOpen) return;
    this.#checkpoint();
    this.#db.close();
  }
}
