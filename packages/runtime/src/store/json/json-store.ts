import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { FootfallStorageError } from '../../errors.ts';
import { computeBreakdown, computeRealtime, computeTimeseries, computeTotals } from '../../stats/compute.ts';
import { KIND_CODES, KINDS, VISIT_ATTRIBUTES, type EventRow, type StatsQuery, type Store, type StoredEvent, type Visit, type VisitAttributes } from '../types.ts';
import { DurableJsonFile } from './durable-file.ts';

export const JSON_FILE = 'footfall.json';
export const SEGMENT_DIR = 'events';
/**
 * One rotation bucket's events live in one file that is rewritten on every commit, so a commit
 * costs O(events in the open bucket). Past this many the engine refuses and says to use SQLite.
 */
export const MAX_EVENTS_PER_BUCKET = 200_000;

interface MainData { version: 1; salts: Record<string, string> }
type VisitTuple = [key: number, session: string, visitor: string, attributes: VisitAttributes];
type EventTuple = [ts: number, visit: number, kind: number, path: string, name: string | null, props: Record<string, string> | null, engaged: number | null];
interface SegmentData { bucket: number; visits: VisitTuple[]; events: EventTuple[] }

interface Segment {
  readonly db: Low<SegmentData>;
  readonly adapter: DurableJsonFile<SegmentData>;
  readonly visits: Map<string, Visit>;
  readonly rows: EventRow[];
}

/**
 * The JSON engine, on lowdb: for small sites that want a file they can read. Single process:
 * a lock file stops a second process from interleaving rewrites.
 */
export class JsonStore implements Store {
  readonly engine = 'json' as const;
  readonly dir: string;
  #main: Low<MainData>;
  #segments = new Map<number, Segment>();
  #nextKey = 1;
  #lock: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.#main = new Low(new DurableJsonFile<MainData>(join(dir, JSON_FILE)), { version: 1, salts: {} });
    this.#lock = join(dir, 'footfall.json.lock');
  }

  static async open(dir: string): Promise<JsonStore> {
    const store = new JsonStore(dir);
    try {
      mkdirSync(join(dir, SEGMENT_DIR), { recursive: true });
      store.#acquireLock();
      await store.#main.read();
      for (const name of readdirSync(join(dir, SEGMENT_DIR))) {
        const m = /^(-?\d+)\.json$/.exec(name);
        if (m) await store.#load(Number(m[1]));
      }
    } catch (error) {
      if (error instanceof FootfallStorageError) throw error;
      throw new FootfallStorageError(`cannot open the JSON store in ${dir}: ${(error as Error).message}. Check that FOOTFALL_DATA_DIR is writable.`, { cause: error });
    }
    return store;
  }

  #acquireLock(): void {
    try {
      const pid = Number(readFileSync(this.#lock, 'utf8'));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new FootfallStorageError(`the JSON store in ${this.dir} is in use by process ${pid}. The JSON engine serves one process; for several, set FOOTFALL_STORAGE=sqlite.`);
      }
    } catch (error) {
      if (error instanceof FootfallStorageError) throw error;
    }
    writeFileSync(this.#lock, String(process.pid));
  }

  async #load(bucket: number): Promise<Segment> {
    const adapter = new DurableJsonFile<SegmentData>(join(this.dir, SEGMENT_DIR, `${bucket}.json`));
    const db = new Low<SegmentData>(adapter, { bucket, visits: [], events: [] });
    await db.read();
    const visits = new Map<string, Visit>();
    const byKey = new Map<number, Visit>();
    for (const [key, session, visitor, attributes] of db.data.visits) {
      const visit: Visit = { ...attributes, key, bucket, visitor };
      visits.set(session, visit);
      byKey.set(key, visit);
      this.#nextKey = Math.max(this.#nextKey, key + 1);
    }
    const rows = db.data.events.map((e) => toRow(e, byKey.get(e[1])!));
    const segment = { db, adapter, visits, rows };
    this.#segments.set(bucket, segment);
    return segment;
  }

  async append(events: readonly StoredEvent[]): Promise<void> {
    const byBucket = Map.groupBy(events, (e) => e.bucket);
    for (const [bucket, list] of byBucket) {
      const segment = this.#segments.get(bucket) ?? (await this.#load(bucket));
      if (segment.rows.length + list.length > MAX_EVENTS_PER_BUCKET) {
        throw new FootfallStorageError(`the JSON store holds at most ${MAX_EVENTS_PER_BUCKET} events per rotation bucket and this one is full. Switch to SQLite (FOOTFALL_STORAGE=sqlite), made for this traffic.`);
      }
      const data = segment.db.data;
      const marks = { visits: data.visits.length, events: data.events.length, rows: segment.rows.length };
      const added: string[] = [];
      for (const e of list) {
        let visit = segment.visits.get(e.session);
        if (!visit) {
          const attributes: VisitAttributes = {};
          for (const a of VISIT_ATTRIBUTES) if (e[a] !== undefined) attributes[a] = e[a];
          visit = { ...attributes, key: this.#nextKey++, bucket, visitor: e.visitor };
          segment.visits.set(e.session, visit);
          added.push(e.session);
          data.visits.push([visit.key, e.session, e.visitor, attributes]);
        }
        const tuple: EventTuple = [e.ts, visit.key, KIND_CODES[e.kind], e.path, e.name ?? null, e.props ?? null, e.engaged ?? null];
        data.events.push(tuple);
        segment.rows.push(toRow(tuple, visit));
      }
      try {
        await segment.db.write();
      } catch (error) {
        // Nothing of a failed commit may stay visible: the caller answers 503, not 202.
        data.visits.length = marks.visits;
        data.events.length = marks.events;
        segment.rows.length = marks.rows;
        for (const s of added) segment.visits.delete(s);
        throw new FootfallStorageError(`could not write ${segment.adapter.file}: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  #rows(from: number, to: number): EventRow[] {
    const out: EventRow[] = [];
    for (const segment of this.#segments.values()) for (const r of segment.rows) if (r.ts >= from && r.ts < to) out.push(r);
    return out.sort((a, b) => a.ts - b.ts);
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
    let min: number | undefined;
    for (const s of this.#segments.values()) for (const r of s.rows) if (min === undefined || r.ts < min) min = r.ts;
    return min;
  }

  async salt(bucket: number): Promise<Uint8Array> {
    const existing = this.#main.data.salts[bucket];
    if (existing) return new Uint8Array(Buffer.from(existing, 'base64'));
    const salt = randomBytes(32);
    this.#main.data.salts[bucket] = salt.toString('base64');
    await this.#main.write();
    return new Uint8Array(salt);
  }

  async destroySaltsBefore(bucket: number): Promise<void> {
    const salts = this.#main.data.salts;
    const old = Object.keys(salts).filter((b) => Number(b) < bucket);
    if (old.length === 0) return;
    for (const b of old) delete salts[b];
    // The rewrite replaces the file: the old salt's bytes are no longer in any file we keep.
    await this.#main.write();
  }

  async prune(before: number, bucket: number): Promise<number> {
    let removed = 0;
    for (const [b, segment] of this.#segments) {
      const keep = segment.rows.filter((r) => r.ts >= before);
      if (keep.length === segment.rows.length) continue;
      removed += segment.rows.length - keep.length;
      if (b < bucket || keep.length === 0) {
        await segment.adapter.remove();
        this.#segments.delete(b);
        continue;
      }
      segment.rows.splice(0, segment.rows.length, ...keep);
      segment.db.data.events = segment.db.data.events.filter((e) => e[0] >= before);
      await segment.db.write();
    }
    return removed;
  }

  async close(): Promise<void> {
    rmSync(this.#lock, { force: true });
  }
}

function toRow(e: EventTuple, visit: Visit): EventRow {
  return { ts: e[0], kind: KINDS[e[2]]!, path: e[3], name: e[4] ?? undefined, props: e[5] ?? undefined, engaged: e[6] ?? undefined, visit };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
