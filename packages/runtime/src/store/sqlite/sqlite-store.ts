import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { FootfallStorageError } from '../../errors.ts';
import type { SealedBucket } from '../../stats/plan.ts';
import { PlannedStore } from '../planned-store.ts';
import { rollupBucket, type RollupRow } from '../../stats/rollup.ts';
import { KINDS, VISIT_ATTRIBUTES, type EventRow, type StoredEvent, type Visit } from '../../model/events.ts';
import type { Store } from '../types.ts';
import { openConnection } from './connection.ts';
import { LiveFeed } from './live-feed.ts';
import type { LiveRollups } from '../../stats/live-rollup.ts';
import { MonthRollups } from './month-rollups.ts';
import { migrate } from './schema.ts';
import { StringTable } from './strings.ts';
import { classify, storageFailure } from './failures.ts';
import { checkIntegrity, INTEGRITY_WAIT_MS } from './integrity.ts';
import { WriterThread } from './writer-thread.ts';
import { arrayQuery, type ArrayQuery } from './compat.ts';

export const SQLITE_FILE = 'footfall.db';

type Row = Record<string, unknown>;

/**
 * The default engine, on node:sqlite (no native addon). WAL lets the dashboard read while the
 * collector writes; synchronous=FULL makes each group commit durable against power loss, which
 * batching keeps cheap. secure_delete zeroes deleted content, so a destroyed salt leaves no copy.
 */
export class SqliteStore extends PlannedStore implements Store {
  readonly engine = 'sqlite' as const;
  /** Commits run in the append worker: batches form by themselves while it fsyncs. */
  readonly commitIntervalMs = 0;
  readonly file: string;
  #db: DatabaseSync;
  #writer: WriterThread;
  #live: LiveFeed;
  #salts = new Map<number, Uint8Array>();
  #strings: StringTable;
  #closed = false;

  constructor(dir: string) {
    super();
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, SQLITE_FILE);
    try {
      this.#db = openConnection(this.file);
      migrate(this.#db);
    } catch (error) {
      // A known cause (a full disk, a damaged file) is named; anything else is most often permissions.
      const known = classify(error, this.file, 'cannot open the SQLite database');
      if (known instanceof FootfallStorageError) throw known;
      throw new FootfallStorageError(`cannot open the SQLite database ${this.file}: ${(error as Error).message}. Check that FOOTFALL_DATA_DIR is writable.`, { cause: error });
    }
    this.#strings = new StringTable(this.#db);
    this.#writer = new WriterThread(this.file, randomUUID());
    this.#live = new LiveFeed(this.#db, this.file, this.#strings, this.#writer.id);
    this.#visitsInRange = arrayQuery(
      this.#db.prepare(`SELECT id, bucket, visitor, ${VISIT_ATTRIBUTES.join(', ')} FROM visits WHERE id IN (SELECT DISTINCT visit FROM events WHERE ts >= ? AND ts < ?)`),
    );
    this.#eventsInRange = arrayQuery(this.#db.prepare('SELECT ts, visit, kind, path, name, props, engaged FROM events WHERE ts >= ? AND ts < ? ORDER BY ts, visit, seq'));
    this.#months = new MonthRollups(this.#db);
    this.#seriesOfValue = arrayQuery(
      this.#db.prepare(`SELECT bucket, value, visitors, visits, pageviews, events, bounces, visit_pageviews, duration_ms, engaged_ms
      FROM rollups WHERE property = ? AND bucket BETWEEN ? AND ? AND value = ?`),
    );
  }

  /**
   * Opens the store once its file passed the integrity check, or, for a file too large to check
   * within `waitMs`, at once: a late verdict of damage then refuses every later append.
   */
  static async open(dir: string, waitMs = INTEGRITY_WAIT_MS): Promise<SqliteStore> {
    const store = new SqliteStore(dir);
    const check = checkIntegrity(store.file);
    const waited = new Promise<undefined>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      void check.finally(() => clearTimeout(timer));
    });
    const verdict = await Promise.race([check, waited]);
    if (verdict === undefined) {
      void check.then((late) => {
        if (!late.ok) store.#damage = late.error;
      });
    } else if (!verdict.ok) {
      await store.close().catch(() => {});
      throw verdict.error;
    }
    store.#live.warm();
    return store;
  }

  /** Set when the integrity check found damage after start-up: appends are refused, naming it. */
  #damage: FootfallStorageError | undefined;

  /** Commits in the append worker: this thread goes on parsing requests during the fsync. */
  async append(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.#damage) throw this.#damage;
    let placed: Awaited<ReturnType<WriterThread['append']>>;
    try {
      placed = await this.#writer.append(events);
    } catch (error) {
      throw classify(error, this.file, `could not store ${events.length} event(s) in`);
    }
    this.#live.appended(events, placed);
  }

  /** The open buckets' aggregates, kept as events arrive: the planner answers the day from them. */
  live(): Promise<LiveRollups> {
    return this.#live.current();
  }

  /**
   * Events in [from, to) joined to their visits; what the shared metric code reads for the
   * questions rollups cannot answer (several filters, a filtered breakdown), and for realtime.
   */
  async rows(from: number, to: number): Promise<EventRow[]> {
    return this.#read(from, to);
  }

  /**
   * Raw rows of a range from disk. Statements are prepared once and return arrays, not objects:
   * a cold read (a partial sealed day for a comparison) is one of the dashboard's larger costs.
   */
  #read(from: number, to: number): EventRow[] {
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
    return this.#eventsInRange(from, to).map(([ts, visit, kind, path, name, props, engaged]) => ({
      ts: ts as number,
      kind: KINDS[kind as number]!,
      path: this.#strings.text(path as number),
      name: (name as string | null) ?? undefined,
      props: props ? (JSON.parse(props as string) as Record<string, string>) : undefined,
      engaged: (engaged as number | null) ?? undefined,
      visit: visits.get(visit as number)!,
    }));
  }

  #visitsInRange!: ArrayQuery;
  /** Sums over runs of sealed buckets, from month rollups where whole months lie inside. */
  #months!: MonthRollups;
  #seriesOfValue!: ArrayQuery;
  #eventsInRange!: ArrayQuery;

  async sealedBuckets(from: number, to: number): Promise<SealedBucket[]> {
    return (this.#db.prepare('SELECT bucket, end FROM sealed WHERE bucket >= ? AND end <= ? ORDER BY bucket').all(from, to) as Row[]).map((r) => ({
      start: Number(r.bucket),
      end: Number(r.end),
    }));
  }

  async rollupSums(buckets: readonly SealedBucket[], property: string, value?: string): Promise<RollupRow[]> {
    const p = this.#strings.lookup(property);
    const v = value === undefined ? undefined : this.#strings.lookup(value);
    if (p === undefined || (value !== undefined && v === undefined)) return [];
    return this.#months
      .sums(
        p,
        v,
        buckets.map((b) => b.start),
      )
      .map((r) => this.#toRollup(property, r));
  }

  async rollupSeries(buckets: readonly SealedBucket[], property: string, value: string): Promise<Map<number, RollupRow>> {
    const p = this.#strings.lookup(property);
    const v = this.#strings.lookup(value);
    if (p === undefined || v === undefined) return new Map();
    const rows = this.#seriesOfValue(p, buckets[0]!.start, buckets.at(-1)!.start, v) as number[][];
    return new Map(rows.map(([bucket, ...r]) => [bucket!, this.#toRollup(property, r)]));
  }

  /** A row of [value id, visitors, visits, pageviews, events, bounces, visit pageviews, duration, engaged]. */
  #toRollup(property: string, r: number[]): RollupRow {
    const [value, visitors, visits, pageviews, events, bounces, visitPageviews, durationMs, engagedMs] = r as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    return { property, value: this.#strings.text(value), visitors, visits, pageviews, events, bounces, visitPageviews, durationMs, engagedMs };
  }

  async seal(before: number): Promise<void> {
    // Sealing uses the live rows when they are loaded; it never loads them (a backlog of days).
    const live = this.#live.loaded() ? await this.#live.current() : undefined;
    const last = (this.#db.prepare('SELECT max(bucket) AS b FROM sealed').get() as Row).b as number | null;
    const open = (
      this.#db.prepare('SELECT DISTINCT bucket FROM visits WHERE bucket > ? AND bucket < ? ORDER BY bucket').all(last ?? -Number.MAX_SAFE_INTEGER, before) as Row[]
    ).map((r) => Number(r.bucket));
    const insert = this.#db.prepare(`INSERT INTO rollups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // Buckets partition time: no event lies between a bucket's start and the next bucket that
    // has events (or the open bucket), so the sealed bucket covers that whole span.
    for (const [i, bucket] of open.entries()) {
      const end = open[i + 1] ?? before;
      // The live rollups are the bucket's rollups already (equal to computing them from its events).
      const rollups = live?.bucket(bucket)?.allRows() ?? rollupBucket((await this.rows(bucket, end)).filter((r) => r.visit.bucket === bucket));
      if (rollups.every((r) => r.visits === 0)) continue;
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        // Another process may have sealed it meanwhile: the marker decides who writes.
        if (Number(this.#db.prepare('INSERT OR IGNORE INTO sealed (bucket, end) VALUES (?, ?)').run(bucket, end).changes) === 1) {
          for (const r of rollups)
            insert.run(
              this.#strings.intern(r.property),
              bucket,
              this.#strings.intern(r.value),
              r.visitors,
              r.visits,
              r.pageviews,
              r.events,
              r.bounces,
              r.visitPageviews,
              r.durationMs,
              r.engagedMs,
            );
          this.#months.add(bucket, rollups, (text) => this.#strings.intern(text));
        }
        this.#db.exec('COMMIT');
      } catch (error) {
        this.#rollback();
        throw storageFailure(error, this.file, `could not seal bucket ${bucket} in`);
      }
    }
    this.#live.sealed(before);
  }

  async earliest() {
    const row = this.#db.prepare('SELECT min(ts) AS ts FROM events').get() as Row;
    return row.ts === null ? undefined : Number(row.ts);
  }

  async salt(bucket: number): Promise<Uint8Array> {
    const cached = this.#salts.get(bucket);
    if (cached) return cached;
    let row: Row;
    try {
      // INSERT OR IGNORE then SELECT: whichever process comes first creates it; all read the same.
      // The INSERT commits (and fsyncs) on its own, so the salt is durable before any event
      // hashed with it can be acknowledged.
      this.#db.prepare('INSERT OR IGNORE INTO salts (bucket, salt) VALUES (?, ?)').run(bucket, randomBytes(32));
      row = this.#db.prepare('SELECT salt FROM salts WHERE bucket = ?').get(bucket) as Row;
    } catch (error) {
      throw storageFailure(error, this.file, 'could not create the salt of a new rotation bucket in');
    }
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
    try {
      const { changes } = this.#db.prepare('DELETE FROM salts WHERE bucket < ?').run(bucket);
      if (Number(changes) > 0) this.#checkpoint();
    } catch (error) {
      throw storageFailure(error, this.file, 'could not destroy ended salts in');
    }
  }

  /** Moves the WAL into the database (where secure_delete zeroed the row) and empties it. */
  #checkpoint(): void {
    this.#db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  async prune(before: number, bucket: number): Promise<number> {
    this.forgetFunnelCounts();
    try {
      const { changes } = this.#db.prepare('DELETE FROM events WHERE ts < ?').run(before);
      this.#db.prepare('DELETE FROM visits WHERE bucket < ?').run(bucket);
      // The bucket holding `before` lost some events: its rollup no longer matches, so drop it too,
      // and the months that summed any of these buckets (rebuilt from what is left), all at once.
      if (this.#db.prepare('SELECT 1 FROM sealed WHERE bucket <= ? LIMIT 1').get(bucket)) {
        this.#db.exec('BEGIN IMMEDIATE');
        try {
          this.#months.prune(bucket);
          this.#db.exec('COMMIT');
        } catch (error) {
          this.#rollback();
          throw error;
        }
      }
      if (Number(changes) > 0) {
        this.#checkpoint();
        this.#live.pruned(before);
      }
      return Number(changes);
    } catch (error) {
      throw storageFailure(error, this.file, 'could not apply retention in');
    }
  }

  /** Rolls back what SQLite did not already roll back itself, and forgets ids cached inside it. */
  #rollback(): void {
    try {
      this.#db.exec('ROLLBACK');
    } catch {}
    this.#strings.forget();
  }

  async close(): Promise<void> {
    // Tracked here: Node 22.13 has no `db.isOpen`.
    if (this.#closed) return;
    this.#closed = true;
    this.#live.close();
    await this.#writer.close();
    try {
      this.#checkpoint();
    } catch {
      // A full disk can refuse the final checkpoint; the WAL keeps every committed event and the
      // next start replays it, so closing cleanly matters more.
    }
    this.#db.close();
  }
}
