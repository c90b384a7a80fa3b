import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { FootfallStorageError } from '../../errors.ts';
import type { SealedBucket } from '../../stats/plan.ts';
import { PlannedStore } from '../planned-store.ts';
import { rollupBucket, type RollupRow } from '../../stats/rollup.ts';
import { KINDS, KIND_CODES, VISIT_ATTRIBUTES, type EventRow, type StoredEvent } from '../../model/events.ts';
import type { HistoryImport, Store } from '../types.ts';
import { openConnection } from './connection.ts';
import { LiveFeed } from './live-feed.ts';
import type { KeptAnswers } from '../../stats/kept-answers.ts';
import type { LiveRollups } from '../../stats/live-rollup.ts';
import { MonthRollups, SUMS, sumsOf } from './month-rollups.ts';
import { migrate } from './schema.ts';
import { RowReader } from './row-reader.ts';
import { StringTable } from './strings.ts';
import { classify, storageFailure } from './failures.ts';
import { checkIntegrity, INTEGRITY_WAIT_MS } from './integrity.ts';
import { WriterThread } from './writer-thread.ts';
import { arrayQuery, type ArrayQuery } from './compat.ts';

import { SQLITE_FILE } from './file-name.ts';

export { SQLITE_FILE };

type Row = Record<string, unknown>;

/**
 * The default engine, on node:sqlite (no native addon). WAL lets the dashboard read while the
 * collector writes; synchronous=FULL makes each group commit durable against power loss, which
 * batching keeps cheap. secure_delete zeroes deleted content, so a destroyed salt leaves no copy.
 */
export class SqliteStore extends PlannedStore implements Store, HistoryImport {
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
    this.#reader = new RowReader(this.#db, this.#strings);
    this.#months = new MonthRollups(this.#db);
    this.#seriesOfValue = arrayQuery(
      this.#db.prepare(`SELECT bucket, value, visitors, visits, pageviews, events, bounces, visit_pageviews, duration_ms, engaged_ms, scroll_sum, scroll_count
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

  /**
   * Answers read from sealed buckets' raw events, kept in the `kept` table: a cache the planner
   * fills, so a failed write (a full disk) is left for the next question to redo.
   */
  #keptValue: StatementSync | undefined;
  readonly kept: KeptAnswers = {
    get: (bucket, key) => {
      this.#keptValue ??= this.#db.prepare('SELECT value FROM kept WHERE bucket = ? AND key = ?');
      return (this.#keptValue.get(bucket, key) as Row | undefined)?.value as string | undefined;
    },
    put: (entries) => {
      if (entries.length === 0 || this.#closed) return;
      const insert = this.#db.prepare('INSERT OR REPLACE INTO kept (bucket, key, value) VALUES (?, ?, ?)');
      try {
        this.#db.exec('BEGIN IMMEDIATE');
        for (const [bucket, key, value] of entries) insert.run(bucket, key, value);
        this.#db.exec('COMMIT');
      } catch {
        this.#rollback();
      }
    },
  };

  /** The open buckets' aggregates, kept as events arrive: the planner answers the day from them. */
  live(): Promise<LiveRollups> {
    return this.#live.current();
  }

  /**
   * Events in [from, to) joined to their visits; what the shared metric code reads for the
   * questions rollups cannot answer (several filters, a filtered breakdown), and for realtime.
   */
  async rows(from: number, to: number): Promise<EventRow[]> {
    return this.#reader.read(from, to);
  }

  /**
   * What the range's rows are, in one scan of the range (the table is ordered by its primary key,
   * ts first) that builds no row: their count, time span and sums of their keys, visits and pages.
   * An append, a prune or an import that replaces rows changes it.
   */
  async rowsKey(from: number, to: number): Promise<string> {
    this.#rowsKey ??= this.#db.prepare(
      'SELECT count(*) AS n, min(ts) AS lo, max(ts) AS hi, total(visit) AS v, total(seq) AS s, total(path) AS p FROM events WHERE ts >= ? AND ts < ?',
    );
    const r = this.#rowsKey.get(from, to) as Row;
    return `${r.n}|${r.lo}|${r.hi}|${r.v}|${r.s}|${r.p}`;
  }

  #rowsKey: StatementSync | undefined;

  #reader!: RowReader;
  /** Sums over runs of sealed buckets, from month rollups where whole months lie inside. */
  #months!: MonthRollups;
  #seriesOfValue!: ArrayQuery;

  async sealedBuckets(from: number, to: number): Promise<SealedBucket[]> {
    return (this.#db.prepare('SELECT bucket, end FROM sealed WHERE bucket >= ? AND end <= ? ORDER BY bucket').all(from, to) as Row[]).map((r) => ({
      start: Number(r.bucket),
      end: Number(r.end),
    }));
  }

  async sealedAround(from: number, to: number): Promise<SealedBucket | undefined> {
    this.#sealedAround ??= this.#db.prepare('SELECT bucket, end FROM sealed WHERE bucket <= ? ORDER BY bucket DESC LIMIT 1');
    const r = this.#sealedAround.get(from) as Row | undefined;
    return r && Number(r.end) >= to ? { start: Number(r.bucket), end: Number(r.end) } : undefined;
  }

  #sealedAround: StatementSync | undefined;

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

  /** A row of [value id, visitors, visits, pageviews, events, bounces, visit pageviews, duration, engaged, scroll sum, scroll count]. */
  #toRollup(property: string, r: number[]): RollupRow {
    const [value, visitors, visits, pageviews, events, bounces, visitPageviews, durationMs, engagedMs, scrollSum, scrollCount] = r as [
      number,
      number,
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
    return { property, value: this.#strings.text(value), visitors, visits, pageviews, events, bounces, visitPageviews, durationMs, engagedMs, scrollSum, scrollCount };
  }

  async seal(before: number): Promise<void> {
    // Sealing uses the live rows when they are loaded; it never loads them (a backlog of days).
    const live = this.#live.loaded() ? await this.#live.current() : undefined;
    const last = (this.#db.prepare('SELECT max(bucket) AS b FROM sealed').get() as Row).b as number | null;
    const open = (
      this.#db.prepare('SELECT DISTINCT bucket FROM visits WHERE bucket > ? AND bucket < ? ORDER BY bucket').all(last ?? -Number.MAX_SAFE_INTEGER, before) as Row[]
    ).map((r) => Number(r.bucket));
    const insert = this.#db.prepare(`INSERT INTO rollups (property, bucket, value, ${SUMS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
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
          for (const r of rollups) insert.run(this.#strings.intern(r.property), bucket, this.#strings.intern(r.value), ...sumsOf(r));
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

  async storedSalt(bucket: number): Promise<Uint8Array | undefined> {
    const row = this.#db.prepare('SELECT salt FROM salts WHERE bucket = ?').get(bucket) as Row | undefined;
    return row ? new Uint8Array(row.salt as Uint8Array) : undefined;
  }

  async importSalt(bucket: number, salt: Uint8Array): Promise<void> {
    this.#db.prepare('INSERT OR IGNORE INTO salts (bucket, salt) VALUES (?, ?)').run(bucket, salt);
  }

  async exportEvents(from: number, to: number): Promise<StoredEvent[]> {
    const rows = this.#db
      .prepare(
        `SELECT e.ts, e.kind, e.path, e.name, e.props, e.engaged, e.scroll, v.bucket, v.session, v.visitor, ${VISIT_ATTRIBUTES.map((a) => `v.${a}`).join(', ')}
         FROM events e JOIN visits v ON v.id = e.visit WHERE e.ts >= ? AND e.ts < ? ORDER BY e.ts, e.visit, e.seq`,
      )
      .all(from, to) as Row[];
    return rows.map((r) => {
      const e: StoredEvent = {
        ts: Number(r.ts),
        kind: KINDS[r.kind as number]!,
        bucket: Number(r.bucket),
        visitor: Buffer.from(r.visitor as Uint8Array).toString('hex'),
        session: String(r.session),
        path: this.#strings.text(r.path as number),
      };
      for (const a of VISIT_ATTRIBUTES) if (r[a] !== null) e[a] = this.#strings.text(r[a] as number);
      if (r.name !== null) e.name = String(r.name);
      if (r.props !== null) e.props = JSON.parse(r.props as string) as Record<string, string>;
      if (r.engaged !== null) e.engaged = Number(r.engaged);
      if (r.scroll !== null) e.scroll = Number(r.scroll);
      return e;
    });
  }

  // Imported events carry negative seqs (live ones count up from 0): a later import finds them,
  // and only them, to replace.

  async importedCount(from: number, to: number): Promise<number> {
    return Number((this.#db.prepare('SELECT count(*) AS n FROM events WHERE ts >= ? AND ts < ? AND seq < 0').get(from, to) as Row).n);
  }

  /** One transaction: an interrupted import leaves the range as it was. */
  async importEvents(from: number, to: number, events: readonly StoredEvent[]): Promise<void> {
    const findVisit = this.#db.prepare('SELECT id FROM visits WHERE session = ? AND bucket = ?');
    const insertVisit = this.#db.prepare(
      `INSERT INTO visits (bucket, session, visitor, ${VISIT_ATTRIBUTES.join(', ')}) VALUES (?, ?, ?, ${VISIT_ATTRIBUTES.map(() => '?').join(', ')}) RETURNING id`,
    );
    const insertEvent = this.#db.prepare('INSERT INTO events (ts, visit, seq, kind, path, name, props, engaged, scroll) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const replaced = this.#db.prepare('SELECT DISTINCT visit FROM events WHERE ts >= ? AND ts < ? AND seq < 0').all(from, to) as Row[];
      this.#db.prepare('DELETE FROM events WHERE ts >= ? AND ts < ? AND seq < 0').run(from, to);
      const orphan = this.#db.prepare('DELETE FROM visits WHERE id = ? AND NOT EXISTS (SELECT 1 FROM events WHERE visit = ?)');
      for (const { visit } of replaced) orphan.run(visit as number, visit as number);
      const first = this.#db.prepare('SELECT min(bucket) AS b FROM sealed WHERE end > ?').get(from) as Row;
      if (first.b !== null) this.#months.unsealFrom(Number(first.b));
      const visits = new Map<string, number>();
      events.forEach((e, i) => {
        const key = `${e.bucket}|${e.session}`;
        let visit = visits.get(key) ?? (findVisit.get(e.session, e.bucket) as Row | undefined)?.id;
        if (visit === undefined) {
          const attributes = VISIT_ATTRIBUTES.map((a) => (e[a] === undefined ? null : this.#strings.intern(e[a])));
          visit = (insertVisit.get(e.bucket, e.session, Buffer.from(e.visitor, 'hex'), ...attributes) as Row).id;
        }
        visits.set(key, Number(visit));
        insertEvent.run(
          e.ts,
          Number(visit),
          i - events.length,
          KIND_CODES[e.kind],
          this.#strings.intern(e.path),
          e.name ?? null,
          e.props ? JSON.stringify(e.props) : null,
          e.engaged ?? null,
          e.scroll ?? null,
        );
      });
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#rollback();
      throw storageFailure(error, this.file, `could not import ${events.length} event(s) into`);
    }
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
