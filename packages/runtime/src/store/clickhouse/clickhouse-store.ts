import type { ClickHouseSettings } from '../../options.ts';
import { randomBytes } from 'node:crypto';
import type { HistoryImport, Store } from '../types.ts';
import { Connection, int } from './connection.ts';
import { LiveTail } from './live-tail.ts';
import { LiveRollups } from '../../stats/live-rollup.ts';
import * as questions from './planner.ts';
import { funnel } from './funnels.ts';
import { realtime } from './queries.ts';
import * as rollups from './rollups.ts';
import { SaltTables } from './salts.ts';
import { migrate } from './schema.ts';
import { type EventRow, KINDS, KIND_CODES, type StoredEvent, VISIT_ATTRIBUTES, type Visit } from '../../model/events.ts';
import type { Goal, Interval, PropertyName, StatsQuery } from '../../model/stats.ts';

/** Storage-order numbers below this belong to imported (migrated) events; live ones are above. */
const IMPORTED_SEQ_LIMIT = 1e15;
/** Imported events of one UTC day are numbered from day * SEQ_PER_DAY. */
const SEQ_PER_DAY = 10_000_000;
const DAY = 86_400_000;
/** Events per INSERT of an import (one INSERT of one block is atomic in ClickHouse). */
const IMPORT_CHUNK = 100_000;

export interface ClickHouseStoreOptions {
  /** How long a new bucket's salt settles before instances take it (see salts.ts). */
  saltSettleMs?: number;
  /** How long one request to ClickHouse may take before the store calls it unreachable. */
  requestTimeoutMs?: number;
  /**
   * Keep the open bucket's live rollups in memory, fed from every instance's rows (live-tail.ts);
   * default true. Off, every question about today is grouped in SQL (tests compare the two).
   */
  live?: boolean;
}

/**
 * The ClickHouse engine: many Footfall instances write to and read from one server. Questions
 * are answered inside ClickHouse (queries.ts); appends are the BatchWriter's group commits, one
 * INSERT each, acknowledged only once the INSERT returned.
 */
export class ClickHouseStore implements Store, HistoryImport {
  readonly engine = 'clickhouse' as const;
  /** Each INSERT makes a part on the server: under load, batch a few milliseconds' events. */
  readonly commitIntervalMs = 20;
  readonly database: string;
  readonly #c: Connection;
  readonly #salts: SaltTables;
  /** The connection, for tests and benchmarks (counting, deleting their own rows). */
  get connection(): Connection {
    return this.#c;
  }
  /** Storage order within a millisecond (entry and exit pages break ties by it). */
  #seq = Date.now() * 1000;
  /**
   * This instance's id on the rows it writes (0: imported rows, and rows stored before ids
   * existed). 48 random bits: an exact number in JavaScript, and instances never share one.
   */
  readonly #writer = randomBytes(6).readUIntBE(0, 6) || 1;
  readonly #src: questions.Source;
  readonly #tail: LiveTail | undefined;

  private constructor(c: Connection, options: ClickHouseStoreOptions) {
    this.#c = c;
    this.database = c.database;
    this.#salts = new SaltTables(c, options.saltSettleMs ?? 1000);
    this.#tail = options.live === false ? undefined : new LiveTail(c);
    this.#src = { c, tail: this.#tail };
  }

  static async open(settings: ClickHouseSettings, options: ClickHouseStoreOptions = {}): Promise<ClickHouseStore> {
    const c = await Connection.open(settings, options.requestTimeoutMs);
    try {
      await migrate(c);
    } catch (error) {
      await c.close();
      throw error;
    }
    // Newer servers batch small inserts themselves; 18.16 has no async inserts.
    if (c.atLeast(21, 11)) c.insertSettings = { async_insert: 1, wait_for_async_insert: 1 };
    const store = new ClickHouseStore(c, options);
    store.#tail?.warm();
    return store;
  }

  /** The server version, e.g. "18.16.1". */
  get serverVersion(): string {
    return this.#c.version.join('.');
  }

  async append(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    const first = this.#seq;
    this.#seq += events.length;
    await this.#insert(events, first, this.#writer);
  }

  /**
   * Inserts with storage-order numbers from `firstSeq` on. Live appends number from the clock
   * (about 1.8e15); imports number below IMPORTED_SEQ_LIMIT, so a later import finds and redoes
   * exactly what an earlier one copied.
   */
  async #insert(events: readonly StoredEvent[], firstSeq: number, writer = 0): Promise<void> {
    let seq = firstSeq;
    await this.#c.insert(
      'events',
      events.map((e) => {
        const row: Record<string, unknown> = {
          ts: e.ts,
          bucket: e.bucket,
          session: e.session,
          visitor: e.visitor,
          seq: seq++,
          writer,
          kind: KIND_CODES[e.kind],
          path: e.path,
          name: e.name ?? '',
          prop_keys: e.props ? Object.keys(e.props) : [],
          prop_values: e.props ? Object.values(e.props) : [],
          engaged: e.engaged ?? 0,
          scroll: e.scroll ?? null,
        };
        for (const a of VISIT_ATTRIBUTES) row[a] = e[a] ?? '';
        return row;
      }),
    );
  }

  totals(q: StatsQuery) {
    return questions.totals(this.#src, q);
  }

  timeseries(q: StatsQuery, intervals: readonly Interval[]) {
    return questions.timeseries(this.#src, q, intervals);
  }

  breakdown(q: StatsQuery, property: PropertyName, limit: number) {
    return questions.breakdown(this.#src, q, property, limit);
  }

  propKeys(q: StatsQuery, limit: number) {
    return questions.propKeys(this.#src, q, limit);
  }

  funnel(q: StatsQuery, steps: readonly Goal[]) {
    return funnel(this.#c, q, steps);
  }

  /**
   * The open buckets' live rollups, brought up to date, waiting for a load under way (what tests
   * and the bench look inside); empty when not kept.
   */
  async live(): Promise<LiveRollups> {
    return (await this.#tail?.current(true)) ?? new LiveRollups();
  }

  realtime(since: number) {
    return realtime(this.#c, since);
  }

  /**
   * The oldest event's time (every dashboard page asks it). min(ts) over the whole table reads
   * every event's ts (a quarter of a second at 100 M events, on every page), so it reads the
   * oldest monthly partition only: `ts` leads the sort key, and a bound on it skips the rest.
   */
  async earliest(): Promise<number | undefined> {
    const [part] = await this.#c.rows<{ p: string }>("SELECT min(partition) AS p FROM system.parts WHERE database = currentDatabase() AND table = 'events' AND active");
    const month = /^(\d{4})(\d{2})$/.exec(part?.p ?? '');
    const bound = month ? ` WHERE ts < ${Date.UTC(Number(month[1]), Number(month[2]), 1)}` : '';
    // Aliased apart from the column: an alias named ts would turn the bound into min(ts) < ...
    const oldest = async (where: string) => {
      const [r] = await this.#c.rows<{ first: string; n: string }>(`SELECT min(ts) AS first, count() AS n FROM events${where}`);
      return r && Number(r.n) > 0 ? Number(r.first) : undefined;
    };
    // The oldest partition may hold no event (its rows deleted, its part not merged away yet).
    return (await oldest(bound)) ?? (bound ? oldest('') : undefined);
  }

  salt(bucket: number): Promise<Uint8Array> {
    return this.#salts.get(bucket);
  }

  storedSalt(bucket: number): Promise<Uint8Array | undefined> {
    return this.#salts.stored(bucket);
  }

  importSalt(bucket: number, salt: Uint8Array): Promise<void> {
    return this.#salts.import(bucket, salt);
  }

  destroySaltsBefore(bucket: number): Promise<void> {
    return this.#salts.destroyBefore(bucket);
  }

  /** Builds the ended buckets' rollups inside ClickHouse (rollups.ts); safe from several instances. */
  seal(before: number): Promise<void> {
    return rollups.seal(this.#c, before);
  }

  /** Sealed buckets inside [from, to) (for tests: were rollups used?). */
  sealedBuckets(from: number, to: number) {
    return rollups.sealedBuckets(this.#c, from, to);
  }

  /**
   * Retention: months wholly before `before` go with DROP PARTITION (instant); the rest of the
   * range with a DELETE mutation, awaited. Visits live in their events, so `bucket` needs nothing.
   */
  async prune(before: number, bucket: number): Promise<number> {
    const [r] = await this.#c.rows<{ n: string }>(`SELECT count() AS n FROM events WHERE ts < ${int(before)}`);
    const count = Number(r?.n ?? 0);
    if (count === 0) return 0;
    // The bucket holding `before` loses some events: its rollup no longer matches, so it goes too.
    await rollups.forgetBuckets(this.#c, bucket);
    const parts = await this.#c.rows<{ partition: string }>(`SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() AND table = 'events' AND active`);
    for (const { partition } of parts) {
      const month = Number(partition.replace(/'/g, ''));
      const end = Date.UTC(Math.floor(month / 100), month % 100, 1); // start of the next month
      if (end <= before) await this.#c.command(`ALTER TABLE events DROP PARTITION ${month}`, true);
    }
    const [left] = await this.#c.rows<{ n: string }>(`SELECT count() AS n FROM events WHERE ts < ${int(before)}`);
    if (Number(left?.n ?? 0) > 0) await this.#c.command(`ALTER TABLE events DELETE WHERE ts < ${int(before)}`, true);
    await this.#mutationsDone();
    return count;
  }

  /** ALTER ... DELETE runs in the background on every server version: wait until it has. */
  async #mutationsDone(): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const pending = await this.#c.rows(`SELECT 1 FROM system.mutations WHERE database = currentDatabase() AND is_done = 0 LIMIT 1`);
      if (pending.length === 0) return;
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  async importedCount(from: number, to: number): Promise<number> {
    const [r] = await this.#c.rows<{ n: string }>(`SELECT count() AS n FROM events WHERE ${imported(from, to)}`);
    return Number(r?.n ?? 0);
  }

  async importEvents(from: number, to: number, events: readonly StoredEvent[]): Promise<void> {
    if ((await this.importedCount(from, to)) > 0) {
      await this.#c.command(`ALTER TABLE events DELETE WHERE ${imported(from, to)}`, true);
      await this.#mutationsDone();
    }
    // Sealed buckets from the one holding `from` on no longer match their events; sealing
    // continues after the last sealed bucket, so all of them go and the next seal rebuilds them.
    const [first] = await this.#c.rows<{ b: string; n: string }>(`SELECT min(bucket) AS b, count() AS n FROM sealed WHERE bucket_end > ${int(from)}`);
    if (first && Number(first.n) > 0) {
      await rollups.forgetBucketsFrom(this.#c, Number(first.b));
      await this.#mutationsDone();
    }
    const firstSeq = Math.floor(from / DAY) * SEQ_PER_DAY;
    for (let i = 0; i < events.length; i += IMPORT_CHUNK) await this.#insert(events.slice(i, i + IMPORT_CHUNK), firstSeq + i);
  }

  async exportEvents(from: number, to: number): Promise<StoredEvent[]> {
    return (await this.#read(from, to)).map(([r, session]) => {
      const e: StoredEvent = { ts: r.ts, kind: r.kind, bucket: r.visit.bucket, visitor: r.visit.visitor, session, path: r.path };
      for (const a of VISIT_ATTRIBUTES) if (r.visit[a] !== undefined) e[a] = r.visit[a];
      if (r.name !== undefined) e.name = r.name;
      if (r.props !== undefined) e.props = r.props;
      if (r.engaged !== undefined) e.engaged = r.engaged;
      if (r.scroll !== undefined) e.scroll = r.scroll;
      return e;
    });
  }

  /**
   * Raw events of a range joined to their visits, for tests only: the dashboard's
   * questions never load rows. A visit's attributes are its first event's.
   */
  async rows(from: number, to: number): Promise<EventRow[]> {
    return (await this.#read(from, to)).map(([row]) => row);
  }

  /** Events of [from, to) with their visits and session ids. */
  async #read(from: number, to: number): Promise<[EventRow, string][]> {
    const lo = await this.#c.rows<{ lo: string; n: string }>(`SELECT min(bucket) AS lo, count() AS n FROM events WHERE ts >= ${int(from)} AND ts < ${int(to)}`);
    if (!lo[0] || Number(lo[0].n) === 0) return [];
    const all = await this.#c.rows<Record<string, string | number | string[]>>(`SELECT * FROM events WHERE ts >= ${lo[0].lo} AND ts < ${int(to)} ORDER BY ts, seq`);
    const visits = new Map<string, Visit>();
    const out: [EventRow, string][] = [];
    for (const r of all) {
      const id = `${r.bucket}|${r.session}`;
      let visit = visits.get(id);
      if (!visit) {
        const v: Record<string, unknown> = { key: visits.size + 1, bucket: Number(r.bucket), visitor: r.visitor };
        for (const a of VISIT_ATTRIBUTES) if (r[a] !== '') v[a] = r[a];
        visits.set(id, (visit = v as unknown as Visit));
      }
      if (Number(r.ts) < from) continue;
      const keys = r.prop_keys as string[];
      const values = r.prop_values as string[];
      const kind = KINDS[Number(r.kind)]!;
      const row: EventRow = {
        ts: Number(r.ts),
        kind,
        path: String(r.path),
        visit,
        name: r.name === '' ? undefined : String(r.name),
        props: keys.length ? Object.fromEntries(keys.map((k, i) => [k, values[i]!])) : undefined,
        engaged: kind === 'engagement' ? Number(r.engaged) : undefined,
        scroll: r.scroll === null || r.scroll === undefined ? undefined : Number(r.scroll),
      };
      out.push([row, String(r.session)]);
    }
    return out;
  }

  async close(): Promise<void> {
    this.#tail?.close();
    await this.#c.close();
  }
}

/** The imported events of [from, to) (see #insert). */
function imported(from: number, to: number): string {
  return `ts >= ${int(from)} AND ts < ${int(to)} AND seq < ${IMPORTED_SEQ_LIMIT}`;
}
