import { LiveRollups, type LiveEvent } from '../../stats/live-rollup.ts';
import { int, type Connection } from './connection.ts';
import { sealedBuckets } from './rollups.ts';
import { KINDS, VISIT_ATTRIBUTES, type VisitAttributes } from '../../model/events.ts';

/** Events read per query while loading: an hour at a time, so the server sorts an hour of a busy day, not the whole day. */
const LOAD_SPAN_MS = 60 * 60_000;

/** What a writer had stored in the open buckets, as one snapshot saw it. */
interface WriterMark {
  /** Its highest storage-order number (a UInt64: imported and copied rows may pass 2^53). */
  readonly top: bigint;
  /** How many of its rows. */
  readonly count: number;
}

/**
 * The open buckets' live rollups for the ClickHouse engine, kept in step with the events every
 * instance stores: the SQLite engine's LiveRollups (stats/live-rollup.ts), fed from ClickHouse.
 * A dashboard page asks a dozen questions of today; grouping today's raw events into visits in
 * SQL for each of them was most of a page at 100 M events (bench/PROFILE.md), while the visits'
 * state, kept as events arrive, answers them in a few milliseconds, exactly as SQLite's does.
 *
 * Every instance writes under its own `writer` id, one INSERT at a time, with rising storage
 * numbers (`seq`), so a writer's rows become visible in `seq` order and "what is new" is, per
 * writer, the rows above the highest number taken in. Before answering, one cheap query counts
 * each writer's rows in the open buckets; the rows above each mark are read, and the counts must
 * then match what was taken in. Anything else (an INSERT that timed out here but landed later,
 * rows deleted by retention or an import, events of a visit arriving before its first one) is
 * not patched up: the state is loaded again from scratch, which is what a restart does anyway.
 *
 * Only the newest bucket (and any after it) is kept live; older unsealed buckets are answered
 * raw in SQL until they are sealed.
 */
export class LiveTail {
  readonly #c: Connection;
  #state: TailState | undefined;
  /** The sync every question arriving now will wait for; one query serves a page's questions. */
  #next: Promise<TailState | undefined> | undefined;
  /** The sync under way, which started before the questions waiting on #next were asked. */
  #running: Promise<unknown> = Promise.resolve();
  /** Whether a sync under way is loading the state from scratch (seconds on a busy day). */
  #loading = false;
  #closed = false;

  constructor(c: Connection) {
    this.#c = c;
  }

  /**
   * The live rollups, holding every event stored (by any instance) before this call, or
   * undefined when none are loaded. Questions asked in one turn share one sync; one asked while
   * a sync runs waits for the next, so an event acknowledged before it is never missed. Until the
   * state is loaded (an instance starting on a busy day takes seconds; so does loading again
   * after rows changed behind its back), questions get undefined at once and are answered in
   * SQL, as before there were live rollups, while the load goes on; `wait` waits for it instead.
   */
  current(wait = false): Promise<LiveRollups | undefined> {
    if (!this.#state && !wait) {
      this.warm();
      return Promise.resolve(undefined);
    }
    return this.#sync().then((s) => s?.live);
  }

  /** Starts loading in the background, unless a load is under way or queued. */
  warm(): void {
    if (!this.#loading && !this.#next) this.#sync().catch(() => {});
  }

  /** The sync this call joins: the one not started yet, or a new one after the one under way. */
  #sync(): Promise<TailState | undefined> {
    if (!this.#next) {
      const after = this.#running;
      const next: Promise<TailState | undefined> = after
        .catch(() => {})
        .then(() => {
          // Later questions must not join a sync that may already have taken its snapshot.
          if (this.#next === next) this.#next = undefined;
          return this.#bringUpToDate();
        });
      this.#next = this.#running = next;
    }
    return this.#next;
  }

  close(): void {
    this.#closed = true;
  }

  async #bringUpToDate(): Promise<TailState | undefined> {
    const state = this.#state;
    if (state && !(await this.#sealedSince(state)) && (await this.#take(state, await this.#marks(state.floor)))) return state;
    // Nothing kept yet, or what is kept cannot be brought up to date: load it afresh.
    this.#state = undefined;
    this.#loading = true;
    try {
      return (this.#state = await this.#load());
    } finally {
      this.#loading = false;
    }
  }

  /** Whether a bucket the state keeps live has been sealed since (by any instance): start over from the newest. */
  async #sealedSince(state: TailState): Promise<boolean> {
    return (await sealedBuckets(this.#c, state.floor, Infinity)).length > 0;
  }

  async #load(): Promise<TailState | undefined> {
    const [sealed] = await this.#c.rows<{ e: string }>('SELECT max(bucket_end) AS e FROM sealed');
    const sealedEnd = Number(sealed?.e ?? 0);
    const [newest] = await this.#c.rows<{ b: string; n: string }>(`SELECT max(bucket) AS b, count() AS n FROM events WHERE ts >= ${int(sealedEnd)}`);
    if (Number(newest?.n ?? 0) === 0) return undefined;
    const floor = Math.max(sealedEnd, Number(newest!.b));
    const state = new TailState(floor);
    const marks = await this.#marks(floor);
    if (marks.size === 0) return undefined;
    // Read an hour at a time, each hour's rows in storage order, up to the snapshot's marks.
    const [last] = await this.#c.rows<{ top: string }>(`SELECT max(ts) AS top FROM events WHERE ${where(floor)} AND ${upTo(marks)}`);
    let ordered = true;
    for (let from = floor; from <= Number(last?.top ?? floor); from += LOAD_SPAN_MS) {
      if (this.#closed) return undefined;
      await this.#c.each(
        `SELECT ${COLUMNS} FROM events WHERE ${where(floor)} AND ts >= ${int(from)} AND ts < ${int(from + LOAD_SPAN_MS)} AND ${upTo(marks)} ORDER BY ts, seq`,
        (row: Row) => (ordered &&= state.add(row)),
      );
      if (!ordered) return undefined;
    }
    return state.matches(marks) ? state : undefined;
  }

  /** Each writer's highest number and row count in the open buckets, in one snapshot. */
  async #marks(floor: number): Promise<Map<number, WriterMark>> {
    const rows = await this.#c.rows<{ writer: string; top: string; n: string }>(`SELECT writer, max(seq) AS top, count() AS n FROM events WHERE ${where(floor)} GROUP BY writer`);
    return new Map(rows.map((r) => [Number(r.writer), { top: BigInt(r.top), count: Number(r.n) }]));
  }

  /** Takes in the rows above the state's marks up to the snapshot's; false if the counts say something else changed. */
  async #take(state: TailState, marks: ReadonlyMap<number, WriterMark>): Promise<boolean> {
    const ranges = [...marks].filter(([w, m]) => m.top > (state.taken.get(w)?.top ?? -1n));
    let ordered = true;
    if (ranges.length > 0) {
      await this.#c.each(
        `SELECT ${COLUMNS} FROM events WHERE ${where(state.floor)} AND (${ranges
          .map(([w, m]) => `(writer = ${w} AND seq > ${state.taken.get(w)?.top ?? -1n} AND seq <= ${m.top})`)
          .join(' OR ')}) ORDER BY ts, seq`,
        (row: Row) => (ordered &&= state.add(row)),
      );
    }
    return ordered && state.matches(marks);
  }
}

const COLUMNS = ['ts', 'bucket', 'session', 'visitor', 'seq', 'writer', 'kind', 'path', 'name', 'prop_keys', 'prop_values', 'engaged', 'scroll', ...VISIT_ATTRIBUTES].join(', ');

/** A row of COLUMNS as JSONEachRow gives it (64-bit integers quoted). */
interface Row {
  readonly ts: string;
  readonly bucket: string;
  readonly session: string;
  readonly visitor: string;
  readonly seq: string;
  readonly writer: string;
  readonly kind: number;
  readonly path: string;
  readonly name: string;
  readonly prop_keys: string[];
  readonly prop_values: string[];
  readonly engaged: number;
  readonly scroll: number | null;
  readonly [attribute: string]: unknown;
}

/** The open buckets' rows: `ts` bounds the partitions and the sort key's range read, `bucket` the buckets. */
function where(floor: number): string {
  return `ts >= ${int(floor)} AND bucket >= ${int(floor)}`;
}

/** Rows no newer than the snapshot's marks, so rows landing meanwhile wait for the next sync. */
function upTo(marks: ReadonlyMap<number, WriterMark>): string {
  return `(${[...marks].map(([w, m]) => `(writer = ${w} AND seq <= ${m.top})`).join(' OR ')})`;
}

/** The live rollups and what of each writer they hold. */
class TailState {
  readonly live = new LiveRollups();
  readonly floor: number;
  /** Per writer: the highest number taken in and how many rows (updated in place, row by row). */
  readonly taken = new Map<number, { top: bigint; count: number }>();
  /** A number per visit (`bucket|session`), as LiveRollups keys visits. */
  readonly #visits = new Map<string, number>();
  /** Each visit's first event's (ts, seq), by visit number. */
  readonly #firstTs: number[] = [];
  readonly #firstSeq: bigint[] = [];

  constructor(floor: number) {
    this.floor = floor;
    this.live.floor = floor;
  }

  /**
   * Takes in one row; false if it comes before its visit's first event taken in: the visit's
   * attributes are its first event's, so that visit would need building again.
   */
  add(row: Row): boolean {
    const ts = Number(row.ts);
    const seq = BigInt(row.seq);
    const bucket = Number(row.bucket);
    const writer = Number(row.writer);
    const id = `${bucket}|${row.session}`;
    let visitKey = this.#visits.get(id);
    if (visitKey === undefined) {
      visitKey = this.#visits.size;
      this.#visits.set(id, visitKey);
      this.#firstTs.push(ts);
      this.#firstSeq.push(seq);
    } else if (ts < this.#firstTs[visitKey]! || (ts === this.#firstTs[visitKey]! && seq < this.#firstSeq[visitKey]!)) {
      return false;
    }
    const mark = this.taken.get(writer);
    if (!mark) this.taken.set(writer, { top: seq, count: 1 });
    else {
      if (seq > mark.top) mark.top = seq;
      mark.count++;
    }
    const attributes: Record<string, string> = {};
    for (const a of VISIT_ATTRIBUTES) if (row[a] !== '') attributes[a] = row[a] as string;
    const kind = KINDS[Number(row.kind)]!;
    const keys = row.prop_keys;
    const event: LiveEvent = {
      ts,
      kind,
      path: row.path,
      name: row.name === '' ? undefined : row.name,
      props: keys.length ? Object.fromEntries(keys.map((k, i) => [k, row.prop_values[i]!])) : undefined,
      engaged: kind === 'engagement' ? Number(row.engaged) : undefined,
      scroll: row.scroll === null ? undefined : Number(row.scroll),
      visitKey,
      bucket,
      visitor: row.visitor,
      attributes: attributes as VisitAttributes,
    };
    this.live.add(event);
    return true;
  }

  /** Whether every writer's rows taken in are exactly the snapshot's. */
  matches(marks: ReadonlyMap<number, WriterMark>): boolean {
    if (marks.size !== this.taken.size) return false;
    for (const [w, m] of marks) {
      const t = this.taken.get(w);
      if (!t || t.count !== m.count || t.top !== m.top) return false;
    }
    return true;
  }
}
