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
import { StringTable } from './strings.ts';

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
  #hot: HotRows | undefined;
  #seqTs = -1;
  #seqs = new Map<number, number>();
  #salts = new Map<number, Uint8Array>();
  #strings: StringTable;
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
    this.#strings = new StringTable(this.#db);
    this.#insertEvent = this.#db.prepare('INSERT INTO events (ts, visit, seq, kind, path, name, props, engaged) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.#insertVisit = this.#db.prepare(
      `INSERT INTO visits (bucket, session, visitor, ${VISIT_ATTRIBUTES.join(', ')}) VALUES (?, ?, ?, ${VISIT_ATTRIBUTES.map(() => '?').join(', ')}) RETURNING id`,
    );
    this.#findVisit = this.#db.prepare('SELECT id FROM visits WHERE session = ? AND bucket = ?');
    this.#dataVersion = this.#db.prepare('PRAGMA data_version');
  }

  async append(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    const db = this.#db;
    try {
      db.exec('BEGIN IMMEDIATE');
      try {
        const ids: number[] = [];
        for (const e of events) {
          const id = this.#visitId(e);
          ids.push(id);
          this.#insertRow(e, id);
        }
        db.exec('COMMIT');
        this.#hot?.add(events, ids);
      } catch (error) {
        db.exec('ROLLBACK');
        // Ids handed out inside the rolled-back transaction no longer exist.
        this.#visitIds.clear();
        this.#strings.forget();
        this.#hot = undefined;
        throw error;
      }
    } catch (error) {
      throw new FootfallStorageError(`could not store ${events.length} event(s): ${(error as Error).message}`, { cause: error });
    }
  }

  #insertRow(e: StoredEvent, visit: number): void {
    const values = [KIND_CODES[e.kind], this.#strings.intern(e.path), e.name ?? null, e.props ? JSON.stringify(e.props) : null, e.engaged ?? null] as const;
    // Two events of one visit in the same millisecond (an SPA's engagement report and the next
    // pageview) differ by seq. This process numbers its own; a clash with another process's
    // event fails only that INSERT (not the transaction) and tries the next number.
    if (e.ts !== this.#seqTs) {
      this.#seqTs = e.ts;
      this.#seqs.clear();
    }
    const first = this.#seqs.get(visit) ?? 0;
    this.#seqs.set(visit, first + 1);
    for (let seq = first; ; seq++) {
      try {
        this.#insertEvent.run(e.ts, visit, seq, ...values);
        return;
      } catch (error) {
        if (seq >= first + 1000 || !/UNIQUE/.test((error as Error).message)) throw error;
        this.#seqs.set(visit, seq + 2);
      }
    }
  }

  #visitId(e: StoredEvent): number {
    const key = `${e.bucket}|${e.session}`;
    let id = this.#visitIds.get(key);
    if (id !== undefined) return id;
    const found = this.#findVisit.get(e.session, e.bucket) as Row | undefined;
    if (found) id = Number(found.id);
    else {
      const values = VISIT_ATTRIBUTES.map((a) => (e[a] === undefined ? null : this.#strings.intern(e[a])));
      id = Number((this.#insertVisit.get(e.bucket, e.session, Buffer.from(e.visitor, 'hex'), ...values) as Row).id);
    }
    // The cache only needs the open buckets' visits; drop the rest when it grows.
    if (this.#visitIds.size > 50_000) this.#visitIds.clear();
    this.#visitIds.set(key, id);
    return id;
  }

  /**
   * Events in [from, to) joined to their visits; what the shared metric code reads. The unsealed
   * tail (the open bucket: every dashboard panel reads it) is served from memory while no other
   * process has written; sealed history is answered by rollups and rarely read raw.
   */
  async rows(from: number, to: number): Promise<EventRow[]> {
    const version = Number((this.#dataVersion.get() as Row).data_version);
    if (this.#hot && this.#hot.version !== version) this.#hot = undefined;
    if (!this.#hot) {
      const hotFrom = Number((this.#db.prepare('SELECT coalesce(max(end), 0) AS e FROM sealed').get() as Row).e);
      const count = Number((this.#db.prepare('SELECT count(*) AS n FROM events WHERE ts >= ?').get(hotFrom) as Row).n);
      if (count <= HOT_MAX_ROWS) this.#hot = new HotRows(hotFrom, version, this.#read(hotFrom, Number.MAX_SAFE_INTEGER));
    }
    if (this.#hot && from >= this.#hot.from) return this.#hot.slice(from, to);
    return this.#read(from, to);
  }

  #read(from: number, to: number): EventRow[] {
    const visits = new Map<number, Visit>();
    const visitRows = this.#db
      .prepare(`SELECT * FROM visits WHERE id IN (SELECT DISTINCT visit FROM events WHERE ts >= ? AND ts < ?)`)
      .all(from, to) as Row[];
    for (const v of visitRows) {
      const visit: Record<string, unknown> = { key: Number(v.id), bucket: Number(v.bucket), visitor: Buffer.from(v.visitor as Uint8Array).toString('hex') };
      for (const a of VISIT_ATTRIBUTES) if (v[a] !== null) visit[a] = this.#strings.text(Number(v[a]));
      visits.set(visit.key as number, visit as unknown as Visit);
    }
    const events = this.#db.prepare('SELECT ts, visit, kind, path, name, props, engaged FROM events WHERE ts >= ? AND ts < ? ORDER BY ts').all(from, to) as Row[];
    return events.map((e) => ({
      ts: Number(e.ts),
      kind: KINDS[Number(e.kind)]!,
      path: this.#strings.text(Number(e.path)),
      name: (e.name as string | null) ?? undefined,
      props: e.props ? (JSON.parse(e.props as string) as Record<string, string>) : undefined,
      engaged: e.engaged === null ? undefined : Number(e.engaged),
      visit: visits.get(Number(e.visit))!,
    }));
  }

  #dataVersion!: StatementSync;

  async sealedBuckets(from: number, to: number): Promise<SealedBucket[]> {
    return (this.#db.prepare('SELECT bucket, end FROM sealed WHERE bucket >= ? AND end <= ? ORDER BY bucket').all(from, to) as Row[])
      .map((r) => ({ start: Number(r.bucket), end: Number(r.end) }));
  }

  async rollupSums(buckets: readonly SealedBucket[], property: string, value?: string): Promise<RollupRow[]> {
    const p = this.#strings.lookup(property);
    const v = value === undefined ? undefined : this.#strings.lookup(value);
    if (p === undefined || (value !== undefined && v === undefined)) return [];
    const sums = `sum(visitors) AS visitors, sum(visits) AS visits, sum(pageviews) AS pageviews, sum(events) AS events, sum(bounces) AS bounces,
      sum(visit_pageviews) AS visitPageviews, sum(duration_ms) AS durationMs, sum(engaged_ms) AS engagedMs`;
    const range = [p, buckets[0]!.start, buckets.at(-1)!.start] as const;
    const rows = v === undefined
      ? this.#db.prepare(`SELECT value, ${sums} FROM rollups WHERE property = ? AND bucket BETWEEN ? AND ? GROUP BY value`).all(...range)
      : this.#db.prepare(`SELECT value, ${sums} FROM rollups WHERE property = ? AND bucket BETWEEN ? AND ? AND value = ? GROUP BY value`).all(...range, v);
    return (rows as Row[]).map((r) => this.#toRollup(property, r));
  }

  async rollupSeries(buckets: readonly SealedBucket[], property: string, value: string): Promise<Map<number, RollupRow>> {
    const p = this.#strings.lookup(property);
    const v = this.#strings.lookup(value);
    if (p === undefined || v === undefined) return new Map();
    const rows = this.#db
      .prepare(`SELECT bucket, value, visitors, visits, pageviews, events, bounces, visit_pageviews AS visitPageviews, duration_ms AS durationMs, engaged_ms AS engagedMs
        FROM rollups WHERE property = ? AND bucket BETWEEN ? AND ? AND value = ?`)
      .all(p, buckets[0]!.start, buckets.at(-1)!.start, v) as Row[];
    return new Map(rows.map((r) => [Number(r.bucket), this.#toRollup(property, r)]));
  }

  #toRollup(property: string, r: Row): RollupRow {
    return {
      property, value: this.#strings.text(Number(r.value)), visitors: Number(r.visitors), visits: Number(r.visits), pageviews: Number(r.pageviews), events: Number(r.events),
      bounces: Number(r.bounces), visitPageviews: Number(r.visitPageviews), durationMs: Number(r.durationMs), engagedMs: Number(r.engagedMs),
    };
  }

  async seal(before: number): Promise<void> {
    this.#hot = undefined;
    const last = (this.#db.prepare('SELECT max(bucket) AS b FROM sealed').get() as Row).b as number | null;
    const open = (this.#db.prepare('SELECT DISTINCT bucket FROM visits WHERE bucket > ? AND bucket < ? ORDER BY bucket').all(last ?? -Number.MAX_SAFE_INTEGER, before) as Row[])
      .map((r) => Number(r.bucket));
    const insert = this.#db.prepare(`INSERT INTO rollups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // Buckets partition time: no event lies between a bucket's start and the next bucket that
    // has events (or the open bucket), so the sealed bucket covers that whole span.
    for (const [i, bucket] of open.entries()) {
      const end = open[i + 1] ?? before;
      const rows = (await this.rows(bucket, end)).filter((r) => r.visit.bucket === bucket);
      if (rows.length === 0) continue;
      const rollups = rollupBucket(rows);
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        // Another process may have sealed it meanwhile: the marker decides who writes.
        if (Number(this.#db.prepare('INSERT OR IGNORE INTO sealed (bucket, end) VALUES (?, ?)').run(bucket, end).changes) === 1) {
          for (const r of rollups) insert.run(this.#strings.intern(r.property), bucket, this.#strings.intern(r.value), r.visitors, r.visits, r.pageviews, r.events, r.bounces, r.visitPageviews, r.durationMs, r.engagedMs);
        }
        this.#db.exec('COMMIT');
      } catch (error) {
        this.#db.exec('ROLLBACK');
        this.#strings.forget();
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

  propKeys(q: StatsQuery, limit: number) {
    return this.#planner.propKeys(q, limit);
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

  /** Takes over a salt from another engine (the JSON migration): visitors keep their hash. */
  importSalt(bucket: number, salt: Uint8Array): void {
    this.#db.prepare('INSERT OR IGNORE INTO salts (bucket, salt) VALUES (?, ?)').run(bucket, salt);
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
    this.#hot = undefined;
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

/** Above this many unsealed events the hot cache is not kept: memory stays bounded. */
const HOT_MAX_ROWS = 300_000;

class HotRows {
  #sorted = true;
  /** Visits are shared objects, as in rows read from the database. */
  #visits = new Map<number, Visit>();

  constructor(
    readonly from: number,
    readonly version: number,
    readonly rows: EventRow[],
  ) {
    for (const r of rows) this.#visits.set(r.visit.key, r.visit);
  }

  add(events: readonly StoredEvent[], ids: readonly number[]): void {
    events.forEach((e, i) => {
      if (e.ts < this.from) return;
      const key = ids[i]!;
      let visit = this.#visits.get(key);
      if (!visit) {
        const v: Record<string, unknown> = { key, bucket: e.bucket, visitor: e.visitor };
        for (const a of VISIT_ATTRIBUTES) if (e[a] !== undefined) v[a] = e[a];
        visit = v as unknown as Visit;
        this.#visits.set(key, visit);
      }
      const last = this.rows.at(-1);
      if (last && e.ts < last.ts) this.#sorted = false;
      this.rows.push({ ts: e.ts, kind: e.kind, path: e.path, name: e.name, props: e.props, engaged: e.engaged, visit });
    });
  }

  slice(from: number, to: number): EventRow[] {
    if (!this.#sorted) {
      this.rows.sort((a, b) => a.ts - b.ts);
      this.#sorted = true;
    }
    return this.rows.slice(lowerBound(this.rows, from), lowerBound(this.rows, to));
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
