import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { FootfallStorageError } from '../../errors.ts';
import { addTotals } from '../../stats/compute.ts';
import type { SealedBucket } from '../../stats/planner.ts';
import { PlannedStore } from '../planned-store.ts';
import { rollupBucket, type RollupRow } from '../../stats/rollup.ts';
import type { Store } from '../types.ts';
import { DurableJsonFile, type DurableFs, type JsonShape } from './durable-file.ts';
import { fileError } from './file-error.ts';
import { MAIN_SHAPE, rollupShape, segmentShape, type EventTuple, type MainData, type RollupData, type SegmentData } from './json-shapes.ts';
import { LockFile } from './lock-file.ts';
import { type EventRow, KINDS, KIND_CODES, type StoredEvent, VISIT_ATTRIBUTES, type Visit, type VisitAttributes } from '../../model/events.ts';

export const JSON_FILE = 'footfall.json';
export const SEGMENT_DIR = 'events';
export const ROLLUP_DIR = 'rollups';
/**
 * The open bucket's events live in one file that is rewritten on every commit, so a commit
 * costs O(events in the open bucket). Past this many the engine refuses and says to use SQLite.
 */
export const MAX_EVENTS_PER_BUCKET = 200_000;
/** Sealed buckets' raw events are read from disk only for questions rollups cannot answer. */
const CACHED_SEALED_SEGMENTS = 8;

export interface JsonStoreOptions {
  /** File operations for the data files (not the lock); tests pass a disk that fills up. */
  readonly fs?: DurableFs;
  /** The most events one rotation bucket may hold (default MAX_EVENTS_PER_BUCKET); tests lower it. */
  readonly maxEventsPerBucket?: number;
}

interface Segment {
  readonly db: Low<SegmentData>;
  readonly adapter: DurableJsonFile<SegmentData>;
  readonly visits: Map<string, Visit>;
  readonly rows: EventRow[];
}

/**
 * The JSON engine, on lowdb: for small sites that want files they can read. Layout:
 * `footfall.json` (salts), `events/<bucket>.json` (one file per rotation bucket; only the open
 * one is ever rewritten), `rollups/<bucket>.json` (written once when a bucket is sealed). Memory
 * holds the unsealed buckets and the rollups; sealed raw events are read back only on demand.
 * Single process: a lock file stops a second process from interleaving rewrites. Within the
 * process, every change runs in turn (#exclusive), since the collector, the salt keeper and the
 * maintenance timer call in concurrently and two rewrites of one file must not interleave.
 *
 * Failure: a change is written (temp file, fsync, rename) before memory adopts it, or rolled back
 * from memory when its write fails, so what memory serves is what the files hold. Every failure
 * is a FootfallStorageError naming the file and the cause, e.g. "disk full (ENOSPC) writing
 * /data/events/1773100800000.json"; a damaged file stops start-up instead of reading as empty.
 */
export class JsonStore extends PlannedStore implements Store {
  readonly engine = 'json' as const;
  /** Every commit rewrites the open bucket's file, so commits are spaced out under load. */
  readonly commitIntervalMs = 25;
  readonly dir: string;
  #main: Low<MainData>;
  /** Unsealed buckets, always in memory. */
  #open = new Map<number, Segment>();
  /** Sealed buckets, their rollups in memory and (a few) raw segments cached. */
  #sealed = new Map<number, RollupData>();
  #cache = new Map<number, Segment>();
  #nextKey = 1;
  readonly #lock: LockFile;
  readonly #fs: DurableFs | undefined;
  readonly #maxEvents: number;
  /** The last queued change; each change starts when the one before has settled. */
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(dir: string, fs: DurableFs | undefined, maxEvents: number) {
    super();
    this.dir = dir;
    this.#fs = fs;
    this.#maxEvents = maxEvents;
    this.#main = new Low(new DurableJsonFile(join(dir, JSON_FILE), MAIN_SHAPE, fs), { version: 1, salts: {} });
    this.#lock = new LockFile(join(dir, `${JSON_FILE}.lock`));
  }

  static async open(dir: string, options: JsonStoreOptions = {}): Promise<JsonStore> {
    const store = new JsonStore(dir, options.fs, options.maxEventsPerBucket ?? MAX_EVENTS_PER_BUCKET);
    for (const sub of [SEGMENT_DIR, ROLLUP_DIR]) {
      try {
        mkdirSync(join(dir, sub), { recursive: true });
      } catch (error) {
        throw fileError('creating', join(dir, sub), error);
      }
    }
    store.#lock.acquire();
    try {
      await store.#main.read();
      for (const bucket of bucketsIn(join(dir, ROLLUP_DIR))) {
        const data = await store.#file(join(dir, ROLLUP_DIR, `${bucket}.json`), rollupShape(bucket)).read();
        // Rollups sealed before scroll depth existed have no scroll sums: none was reported.
        if (data) store.#sealed.set(bucket, { ...data, rows: data.rows.map((r) => ({ ...r, scrollSum: r.scrollSum ?? 0, scrollCount: r.scrollCount ?? 0 })) });
      }
      for (const bucket of bucketsIn(join(dir, SEGMENT_DIR))) {
        const segment = await store.#load(bucket);
        if (!store.#sealed.has(bucket)) store.#open.set(bucket, segment);
      }
    } catch (error) {
      // The refusal is what the operator must read; a lock that cannot be removed is secondary.
      try {
        store.#lock.release();
      } catch {}
      if (error instanceof FootfallStorageError) throw error;
      throw new FootfallStorageError(`cannot open the JSON store in ${dir}: ${(error as Error).message}`, { cause: error });
    }
    return store;
  }

  #file<T>(path: string, shape: JsonShape<T>): DurableJsonFile<T> {
    return new DurableJsonFile(path, shape, this.#fs);
  }

  /** Runs a change after every change queued before it; refuses once close() has begun. */
  #exclusive<T>(change: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new FootfallStorageError(`the JSON store in ${this.dir} is closed`));
    const run = this.#tail.then(change);
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Reads a bucket's file; visit keys stay unique across every file this process has read. */
  async #load(bucket: number): Promise<Segment> {
    const adapter = this.#file(join(this.dir, SEGMENT_DIR, `${bucket}.json`), segmentShape(bucket));
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
    return { db, adapter, visits, rows: db.data.events.map((e) => toRow(e, byKey.get(e[1])!)) };
  }

  append(events: readonly StoredEvent[]): Promise<void> {
    return this.#exclusive(() => this.#append(events));
  }

  async #append(events: readonly StoredEvent[]): Promise<void> {
    // Every bucket of the batch is checked before any is written: a refusal stores nothing.
    const groups: [Segment, number, StoredEvent[]][] = [];
    for (const [bucket, list] of byBucket(events)) {
      if (this.#sealed.has(bucket)) throw new FootfallStorageError(`bucket ${bucket} is sealed (${join(this.dir, ROLLUP_DIR, `${bucket}.json`)}); its events can no longer change`);
      let segment = this.#open.get(bucket);
      if (!segment) this.#open.set(bucket, (segment = await this.#load(bucket)));
      if (segment.rows.length + list.length > this.#maxEvents) {
        throw new FootfallStorageError(
          `the JSON store holds at most ${this.#maxEvents.toLocaleString('en')} events per rotation bucket and this one (${segment.adapter.file}) is full: ` +
            'its events are refused until the next bucket starts. Switch to SQLite, made for this traffic: stop the server, run `npx footfall migrate --to sqlite`, set FOOTFALL_STORAGE=sqlite and start it again.',
        );
      }
      groups.push([segment, bucket, list]);
    }
    for (const [segment, bucket, list] of groups) await this.#appendTo(segment, bucket, list);
  }

  async #appendTo(segment: Segment, bucket: number, list: readonly StoredEvent[]): Promise<void> {
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
      if (e.scroll !== undefined) tuple.push(e.scroll);
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
      throw fileError('writing', segment.adapter.file, error);
    }
  }

  async #sealedSegment(bucket: number): Promise<Segment> {
    let segment = this.#cache.get(bucket);
    if (segment) {
      this.#cache.delete(bucket);
    } else {
      segment = await this.#load(bucket);
    }
    this.#cache.set(bucket, segment);
    for (const key of this.#cache.keys()) if (this.#cache.size > CACHED_SEALED_SEGMENTS) this.#cache.delete(key);
    return segment;
  }

  async rows(from: number, to: number): Promise<EventRow[]> {
    const out: EventRow[] = [];
    for (const segment of await this.#segments(from, to)) for (const r of segment.rows) if (r.ts >= from && r.ts < to) out.push(r);
    return out.sort((a, b) => a.ts - b.ts);
  }

  /** The segments that may hold events of [from, to): sealed ones read on demand, open ones. */
  async #segments(from: number, to: number): Promise<Segment[]> {
    const out: Segment[] = [];
    for (const [bucket, sealed] of this.#sealed) if (sealed.first < to && sealed.end > from) out.push(await this.#sealedSegment(bucket));
    return [...out, ...this.#open.values()];
  }

  async exportEvents(from: number, to: number): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    for (const segment of await this.#segments(from, to)) {
      const sessions = new Map([...segment.visits].map(([session, visit]) => [visit, session]));
      for (const r of segment.rows) {
        if (r.ts < from || r.ts >= to) continue;
        const e: StoredEvent = { ts: r.ts, kind: r.kind, bucket: r.visit.bucket, visitor: r.visit.visitor, session: sessions.get(r.visit)!, path: r.path };
        for (const a of VISIT_ATTRIBUTES) if (r.visit[a] !== undefined) e[a] = r.visit[a];
        if (r.name !== undefined) e.name = r.name;
        if (r.props !== undefined) e.props = r.props;
        if (r.engaged !== undefined) e.engaged = r.engaged;
        if (r.scroll !== undefined) e.scroll = r.scroll;
        out.push(e);
      }
    }
    return out.sort((a, b) => a.ts - b.ts);
  }

  async sealedBuckets(from: number, to: number): Promise<SealedBucket[]> {
    return [...this.#sealed.values()]
      .filter((s) => s.bucket >= from && s.end <= to)
      .sort((a, b) => a.bucket - b.bucket)
      .map((s) => ({ start: s.bucket, end: s.end }));
  }

  async rollupSums(buckets: readonly SealedBucket[], property: string, value?: string): Promise<RollupRow[]> {
    const sums = new Map<string, RollupRow>();
    for (const b of buckets) {
      for (const r of this.#sealed.get(b.start)?.rows ?? []) {
        if (r.property !== property || (value !== undefined && r.value !== value)) continue;
        const s = sums.get(r.value);
        sums.set(
          r.value,
          s ? { ...s, ...addTotals(s, r), engagedMs: s.engagedMs + r.engagedMs, scrollSum: s.scrollSum + r.scrollSum, scrollCount: s.scrollCount + r.scrollCount } : r,
        );
      }
    }
    return [...sums.values()];
  }

  async rollupSeries(buckets: readonly SealedBucket[], property: string, value: string): Promise<Map<number, RollupRow>> {
    const out = new Map<number, RollupRow>();
    for (const b of buckets) {
      const row = this.#sealed.get(b.start)?.rows.find((r) => r.property === property && r.value === value);
      if (row) out.set(b.start, row);
    }
    return out;
  }

  seal(before: number): Promise<void> {
    return this.#exclusive(() => this.#seal(before));
  }

  async #seal(before: number): Promise<void> {
    const all = [...new Set([...this.#open.keys(), ...this.#sealed.keys()])].sort((a, b) => a - b);
    for (const [bucket, segment] of [...this.#open].sort((a, b) => a[0] - b[0])) {
      if (bucket >= before) continue;
      if (segment.rows.length === 0) continue;
      // Buckets partition time: nothing lies between this bucket and the next one with events.
      const end = all.find((b) => b > bucket) ?? before;
      const first = segment.rows.reduce((min, r) => Math.min(min, r.ts), Infinity);
      const data: RollupData = { bucket, first, end, rows: rollupBucket(segment.rows) };
      await this.#file(join(this.dir, ROLLUP_DIR, `${bucket}.json`), rollupShape(bucket)).write(data);
      this.#sealed.set(bucket, data);
      this.#open.delete(bucket);
    }
  }

  async earliest() {
    let min: number | undefined;
    for (const s of this.#sealed.values()) if (min === undefined || s.first < min) min = s.first;
    for (const s of this.#open.values()) for (const r of s.rows) if (min === undefined || r.ts < min) min = r.ts;
    return min;
  }

  async salt(bucket: number): Promise<Uint8Array> {
    const existing = this.#main.data.salts[bucket];
    if (existing) return new Uint8Array(Buffer.from(existing, 'base64'));
    return this.#exclusive(async () => {
      const created = this.#main.data.salts[bucket];
      if (created) return new Uint8Array(Buffer.from(created, 'base64'));
      const salt = randomBytes(32);
      // Durable before anyone gets it, and kept in memory only once it is: an event hashed with
      // it is acknowledged after this resolves, so a restart never meets events whose salt was
      // lost (their visitors would count twice). A failed write leaves no salt; the next call
      // makes a new one.
      const next: MainData = { ...this.#main.data, salts: { ...this.#main.data.salts, [bucket]: salt.toString('base64') } };
      await this.#main.adapter.write(next);
      this.#main.data = next;
      return new Uint8Array(salt);
    });
  }

  async storedSalt(bucket: number): Promise<Uint8Array | undefined> {
    const existing = this.#main.data.salts[bucket];
    return existing ? new Uint8Array(Buffer.from(existing, 'base64')) : undefined;
  }

  async destroySaltsBefore(bucket: number): Promise<void> {
    if (!Object.keys(this.#main.data.salts).some((b) => Number(b) < bucket)) return;
    await this.#exclusive(async () => {
      const salts = Object.fromEntries(Object.entries(this.#main.data.salts).filter(([b]) => Number(b) >= bucket));
      // The rewrite replaces the file: the old salt's bytes are no longer in any file we keep.
      const next: MainData = { ...this.#main.data, salts };
      await this.#main.adapter.write(next);
      this.#main.data = next;
    });
  }

  prune(before: number, bucket: number): Promise<number> {
    this.forgetFunnelCounts();
    return this.#exclusive(() => this.#prune(before, bucket));
  }

  async #prune(before: number, bucket: number): Promise<number> {
    let removed = 0;
    const buckets = new Set([...this.#open.keys(), ...this.#sealed.keys()]);
    for (const b of [...buckets].sort((x, y) => x - y)) {
      if (b > bucket) continue;
      const segment = this.#open.get(b) ?? (await this.#load(b));
      const keep = segment.rows.filter((r) => r.ts >= before);
      removed += segment.rows.length - keep.length;
      // The bucket holding `before` lost events: its rollup no longer matches, so it is unsealed.
      // Its raw events serve it from here on, so a failed write below hides nothing.
      await this.#file(join(this.dir, ROLLUP_DIR, `${b}.json`), rollupShape(b)).remove();
      this.#sealed.delete(b);
      this.#cache.delete(b);
      this.#open.set(b, segment);
      if (b < bucket || keep.length === 0) {
        await segment.adapter.remove();
        this.#open.delete(b);
        continue;
      }
      const data: SegmentData = { ...segment.db.data, events: segment.db.data.events.filter((e) => e[0] >= before) };
      await segment.adapter.write(data);
      segment.db.data = data;
      segment.rows.splice(0, segment.rows.length, ...keep);
    }
    return removed;
  }

  /**
   * Changes already queued run first (on a full disk they fail, they do not hang), so the lock
   * is released only once no write of this store is in flight; later calls are refused.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#tail;
    this.#lock.release();
  }
}

function bucketsIn(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw fileError('listing', dir, error);
  }
  return names.flatMap((name) => {
    const m = /^(-?\d+)\.json$/.exec(name);
    return m ? [Number(m[1])] : [];
  });
}

function toRow(e: EventTuple, visit: Visit): EventRow {
  return { ts: e[0], kind: KINDS[e[2]]!, path: e[3], name: e[4] ?? undefined, props: e[5] ?? undefined, engaged: e[6] ?? undefined, scroll: e[7], visit };
}

/** Events per rotation bucket, in order of first appearance (Map.groupBy needs Node 21; this engine runs on 20). */
function byBucket(events: readonly StoredEvent[]): Map<number, StoredEvent[]> {
  const groups = new Map<number, StoredEvent[]>();
  for (const e of events) {
    const list = groups.get(e.bucket);
    if (list) list.push(e);
    else groups.set(e.bucket, [e]);
  }
  return groups;
}
