import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { FootfallStorageError } from '../../errors.ts';
import { computeRealtime } from '../../stats/compute.ts';
import { StatsPlanner, type RollupSource, type SealedBucket } from '../../stats/planner.ts';
import { rollupBucket, type RollupRow } from '../../stats/rollup.ts';
import { KIND_CODES, KINDS, VISIT_ATTRIBUTES, type EventRow, type StatsQuery, type Store, type StoredEvent, type Visit } from '../types.ts';
import { migrate } from './schema.ts';

export const SQLITE_FILE = 'footfall.db';

type Row = Record<string, unknown>;

/**
 * The default engine, on node:sqlite (no native addon). WAL lets the dashboard read while the
 * collector writes; synchronous=FULL makes each group commit durable against power loss, which
 * batching keeps cheap. secure_delete zeroes deleted content, so a destroyed salt leaves no copy.
 */
export class SqliteStore implements Store, RollupSource {
  readonly engine = 'sqlite' as const;
  readonly #planner = new StatsPlanner(this);
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
  async rows(from: number, to: number): Promise<EventRow[]> {
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

  async sealedBuckets(from: number, to: number): Promise<SealedBucket[]> {
    return (this.#db.prepare('SELECT bucket, end FROM sealed WHERE bucket >= ? AND end <= ? ORDER BY bucket').all(from, to) as Row[])
      .map((r) => ({ start: Number(r.bucket), end: Number(r.end) }));
  }

  async rollupSums(buckets: readonly SealedBucket[], property: string, value?: string): Promise<RollupRow[]> {
    const sums = `sum(visitors) AS visitors, sum(visits) AS visits, sum(pageviews) AS pageviews, sum(events) AS events, sum(bounces) AS bounces,
      sum(visit_pageviews) AS visitPageviews, sum(duration_ms) AS durationMs, sum(engaged_ms) AS engagedMs`;
    const range = [property, buckets[0]!.start, buckets.at(-1)!.start] as const;
    const rows = value === undefined
      ? this.#db.prepare(`SELECT value, ${sums} FROM rollups WHERE property = ? AND bucket BETWEEN ? AND ? GROUP BY value`).all(...range)
      : this.#db.prepare(`SELECT value, ${sums} FROM rollups WHERE property = ? AND bucket BETWEEN ? AND ? AND value = ? GROUP BY value`).all(...range, value);
    return (rows as Row[]).map((r) => toRollup(property, r));
  }

  async rollupSeries(buckets: readonly SealedBucket[], property: string, value: string): Promise<Map<number, RollupRow>> {
    const rows = this.#db
      .prepare(`SELECT bucket, value, visitors, visits, pageviews, events, bounces, visit_pageviews AS visitPageviews, duration_ms AS durationMs, engaged_ms AS engagedMs
        FROM rollups WHERE property = ? AND bucket BETWEEN ? AND ? AND value = ?`)
      .all(property, buckets[0]!.start, buckets.at(-1)!.start, value) as Row[];
    return new Map(rows.map((r) => [Number(r.bucket), toRollup(property, r)]));
  }

  async seal(before: number): Promise<void> {
    const last = (this.#db.prepare('SELECT max(bucket) AS b FROM sealed').get() as Row).b as number | null;
    const open = (this.#db.prepare('SELECT DISTINCT bucket FROM visits WHERE bucket > ? AND bucket < ? ORDER BY bucket').all(last ?? -Number.MAX_SAFE_INTEGER, before) as Row[])
      .map((r) => Number(r.bucket));
    const insert = this.#db.prepare(`INSERT INTO rollups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // A bucket's events lie between its start and the next bucket's start (buckets partition time).
    for (const [i, bucket] of open.entries()) {
      const rows = (await this.rows(bucket, open[i + 1] ?? before)).filter((r) => r.visit.bucket === bucket);
      if (rows.length === 0) continue;
      const end = rows.reduce((max, r) => Math.max(max, r.ts), 0) + 1;
      const rollups = rollupBucket(rows);
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        // Another process may have sealed it meanwhile: the marker decides who writes.
        if (Number(this.#db.prepare('INSERT OR IGNORE INTO sealed (bucket, end) VALUES (?, ?)').run(bucket, end).changes) === 1) {
          for (const r of rollups) insert.run(r.property, bucket, r.value, r.visitors, r.visits, r.pageviews, r.events, r.bounces, r.visitPageviews, r.durationMs, r.engagedMs);
        }
        this.#db.exec('COMMIT');
      } catch (error) {
        this.#db.exec('ROLLBACK');
        throw new FootfallStorageError(`could not seal bucket ${bucket}: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  totals(q: StatsQuery) {
    return this.#planner.totals(q);
  }

  timeseries(q: StatsQuery, intervals: Parameters<Store['timeseries']>[1]) {
    return this.#planner.timeseries(q, intervals);
  }

  breakdown(q: StatsQuery, property: Parameters<Store['breakdown']>[1], limit: number) {
    return this.#planner.breakdown(q, property, limit);
  }

  async realtime(since: number) {
    return computeRealtime(await this.rows(since, Number.MAX_SAFE_INTEGER), since);
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
    // The bucket holding `before` lost some events: its rollup no longer matches, so drop it too.
    this.#db.prepare('DELETE FROM rollups WHERE bucket <= ?').run(bucket);
    this.#db.prepare('DELETE FROM sealed WHERE bucket <= ?').run(bucket);
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

function toRollup(property: string, r: Row): RollupRow {
  return {
    property, value: r.value as string, visitors: Number(r.visitors), visits: Number(r.visits), pageviews: Number(r.pageviews), events: Number(r.events),
    bounces: Number(r.bounces), visitPageviews: Number(r.visitPageviews), durationMs: Number(r.durationMs), engagedMs: Number(r.engagedMs),
  };
}
