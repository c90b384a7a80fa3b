import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { FootfallStorageError } from '../../errors.ts';
import { LiveRollups, type LiveEvent } from '../../stats/live-rollup.ts';
import { KINDS, VISIT_ATTRIBUTES, type StoredEvent, type VisitAttributes } from '../../model/events.ts';
import { arrayQuery, type ArrayQuery } from './compat.ts';
import { openConnection } from './connection.ts';
import type { AppendResult } from './event-writer.ts';
import type { StringTable } from './strings.ts';

/** How far back a resync looks for another process's events (they may commit slightly late). */
const RESYNC_MS = 10 * 60_000;
/** Keys of events this recent are remembered, so a resync never takes one in twice. */
const KEYS_KEPT_MS = 2 * RESYNC_MS;
/** Events read per step while loading: the event loop keeps serving requests in between. */
const LOAD_CHUNK = 5_000;

type Row = Record<string, unknown>;

/**
 * Keeps the SQLite engine's live rollups (the open buckets' aggregates) in step with the
 * database: loaded once from disk in one snapshot, then fed this process's own commits as they
 * return from the append worker, and another process's by re-reading the last minutes when the
 * `writers` table says someone else committed. Memory holds aggregates, never the day's events.
 */
export class LiveFeed {
  readonly #db: DatabaseSync;
  readonly #file: string;
  readonly #strings: StringTable;
  #live: LiveRollups | undefined;
  #loading: Promise<LiveRollups> | undefined;
  /** Own commits that returned while loading: taken in after, unless the snapshot held them. */
  #queued: { events: readonly StoredEvent[]; placed: AppendResult }[] = [];
  /** Commits per writer in the loading snapshot. */
  #loaded = new Map<string, number>();
  /** This process's writer id (its append worker's commits). */
  readonly #own: string;
  /**
   * Whether another process has written since this one started: until then no resync can come,
   * so own commits skip the recent-keys bookkeeping, and the first resync reloads instead.
   */
  #shared = false;
  /** Commits by other writers, as of the last check. */
  #foreign = 0;
  /** key `ts:visit:seq` -> ts, for recent events only. */
  #keys = new Map<string, number>();
  #keysPrunedAt = 0;
  #closed = false;
  #visit: StatementSync;
  #foreignCommits: StatementSync;
  #recent: ArrayQuery;

  constructor(db: DatabaseSync, file: string, strings: StringTable, own: string) {
    this.#own = own;
    this.#db = db;
    this.#file = file;
    this.#strings = strings;
    this.#visit = db.prepare(`SELECT bucket, visitor, ${VISIT_ATTRIBUTES.join(', ')} FROM visits WHERE id = ?`);
    this.#foreignCommits = db.prepare('SELECT coalesce(sum(commits), 0) AS n FROM writers WHERE id != ?');
    this.#recent = arrayQuery(db.prepare('SELECT ts, visit, seq, kind, path, name, props, engaged, scroll FROM events WHERE ts >= ? ORDER BY ts, visit, seq'));
  }

  /** This process's commit returned: fold its events in (if the rollups are kept at all yet). */
  appended(events: readonly StoredEvent[], placed: AppendResult): void {
    if (this.#loading) return void this.#queued.push({ events, placed });
    if (this.#live) this.#takeOwn(this.#live, events, placed);
  }

  /**
   * Starts loading in the background (a server starting): on a busy day loading takes seconds,
   * which the first dashboard view should not wait for. It yields between chunks, so requests
   * go on being served meanwhile.
   */
  warm(): void {
    this.current().catch(() => {});
  }

  /** Stops a load under way at its next chunk: the store is closing. */
  close(): void {
    this.#closed = true;
  }

  /** The live rollups, loaded on first use and brought up to date with other processes' commits. */
  async current(): Promise<LiveRollups> {
    if (!this.#live) {
      const loaded = await (this.#loading ??= this.#load());
      // The first one back installs it, with the own commits that returned meanwhile.
      if (!this.#live) {
        for (const { events, placed } of this.#queued) {
          if (placed.commit > (this.#loaded.get(placed.writer) ?? 0)) this.#takeOwn(loaded, events, placed);
        }
        this.#queued = [];
        this.#live = loaded;
        this.#loading = undefined;
      }
    }
    const live = this.#live;
    const foreign = Number((this.#foreignCommits.get(this.#own) as Row).n);
    if (foreign === this.#foreign) return live;
    this.#foreign = foreign;
    if (!this.#shared) {
      // Own commits were taken in without keys: start over once, keeping keys from now on.
      this.#shared = true;
      this.reset();
      return this.current();
    }
    const latest = Math.max(...live.buckets.map((b) => b.latest), -Infinity);
    if (latest > -Infinity) this.#resync(live, latest - RESYNC_MS);
    return live;
  }

  /** Forgets everything: the next question loads again from disk (after retention deleted events). */
  reset(): void {
    if (this.#loading) return;
    this.#live = undefined;
    this.#keys.clear();
  }

  /** Retention deleted events before `before`: if that reached into an open bucket (a retention shorter than a rotation), start over from disk. */
  pruned(before: number): void {
    if (this.#live?.buckets.some((b) => b.start < before)) this.reset();
  }

  /** The live rollups if they are loaded, without loading them. */
  loaded(): LiveRollups | undefined {
    return this.#live;
  }

  /** Buckets before `bucket` are sealed: their rows now live in the rollups table. */
  sealed(bucket: number): void {
    this.#live?.dropBefore(bucket);
  }

  async #load(): Promise<LiveRollups> {
    const live = new LiveRollups();
    // A connection of its own holds one snapshot across the chunks while this one keeps answering.
    const db = openConnection(this.#file);
    try {
      db.exec('BEGIN');
      this.#loaded = new Map((db.prepare('SELECT id, commits FROM writers').all() as Row[]).map((r) => [String(r.id), Number(r.commits)]));
      this.#foreign = [...this.#loaded].reduce((n, [id, c]) => (id === this.#own ? n : n + c), 0);
      // Only the newest bucket is kept live: a backlog of unsealed buckets (a migration, a server
      // that was down at midnight) is sealed from disk, and until then answered raw, never held in memory.
      const sealedEnd = Number((db.prepare('SELECT coalesce(max(end), 0) AS e FROM sealed').get() as Row).e);
      const newest = Number((db.prepare('SELECT coalesce(max(bucket), 0) AS b FROM visits').get() as Row).b);
      const from = Math.max(sealedEnd, newest);
      live.floor = newest;
      const first = arrayQuery(db.prepare(`SELECT ts, visit, seq, kind, path, name, props, engaged, scroll FROM events WHERE ts >= ? ORDER BY ts, visit, seq LIMIT ${LOAD_CHUNK}`));
      const next = arrayQuery(
        db.prepare(`SELECT ts, visit, seq, kind, path, name, props, engaged, scroll FROM events WHERE (ts, visit, seq) > (?, ?, ?) ORDER BY ts, visit, seq LIMIT ${LOAD_CHUNK}`),
      );
      const visit = db.prepare(`SELECT bucket, visitor, ${VISIT_ATTRIBUTES.join(', ')} FROM visits WHERE id = ?`);
      let rows = first(from);
      while (rows.length > 0) {
        // Loaded rows cannot come again from own commits (the snapshot's commit counts tell
        // those apart): only the last minutes' keys matter, for resyncs, and are taken below.
        for (const row of rows) this.#takeRow(live, row, visit, false);
        const last = rows.at(-1)!;
        if (rows.length < LOAD_CHUNK) break;
        await yieldToEventLoop();
        if (this.#closed) throw new FootfallStorageError('the store was closed while loading the open buckets');
        rows = next(last[0] as number, last[1] as number, last[2] as number);
      }
      // Only when another process writes too (resyncs need them); an empty open bucket has none.
      const latest = Math.max(...live.buckets.map((b) => b.latest), -Infinity);
      if (this.#shared && latest > -Infinity) {
        for (const [ts, v, seq] of arrayQuery(db.prepare('SELECT ts, visit, seq FROM events WHERE ts >= ?'))(latest - KEYS_KEPT_MS)) {
          this.#isNew(`${ts}:${v}:${seq}`, ts as number);
        }
      }
      db.exec('COMMIT');
    } finally {
      db.close();
    }
    return live;
  }

  /** Another process committed: take in its recent events that are not here yet. */
  #resync(live: LiveRollups, from: number): void {
    this.#db.exec('BEGIN');
    try {
      for (const row of this.#recent(from)) this.#takeRow(live, row, this.#visit);
    } finally {
      this.#db.exec('COMMIT');
    }
  }

  #takeOwn(live: LiveRollups, events: readonly StoredEvent[], placed: AppendResult): void {
    events.forEach((e, i) => {
      const key = placed.visits[i]!;
      if (this.#shared && !this.#isNew(`${e.ts}:${key}:${placed.seqs[i]}`, e.ts)) return;
      live.add({
        ts: e.ts,
        kind: e.kind,
        path: e.path,
        name: e.name,
        props: e.props,
        engaged: e.engaged,
        scroll: e.scroll,
        visitKey: key,
        bucket: e.bucket,
        visitor: e.visitor,
        attributes: e,
      });
    });
  }

  /** A row of [ts, visit, seq, kind, path id, name, props JSON, engaged, scroll] read from disk. */
  #takeRow(live: LiveRollups, row: unknown[], visitQuery: StatementSync, dedupe = true): void {
    const [ts, visitKey, seq, kind, path, name, props, engaged, scroll] = row as [
      number,
      number,
      number,
      number,
      number,
      string | null,
      string | null,
      number | null,
      number | null,
    ];
    if (dedupe && !this.#isNew(`${ts}:${visitKey}:${seq}`, ts)) return;
    let bucket = live.bucketOf(visitKey);
    let visitor = '';
    let attributes: VisitAttributes = {};
    if (bucket === undefined) {
      const v = visitQuery.get(visitKey) as Row;
      bucket = Number(v.bucket);
      visitor = Buffer.from(v.visitor as Uint8Array).toString('hex');
      const attrs: Record<string, string> = {};
      for (const a of VISIT_ATTRIBUTES) if (v[a] !== null) attrs[a] = this.#strings.text(Number(v[a]));
      attributes = attrs;
    }
    const event: LiveEvent = {
      ts,
      kind: KINDS[kind]!,
      path: this.#strings.text(path),
      name: name ?? undefined,
      props: props ? (JSON.parse(props) as Record<string, string>) : undefined,
      engaged: engaged ?? undefined,
      scroll: scroll ?? undefined,
      visitKey,
      bucket,
      visitor,
      attributes,
    };
    live.add(event);
  }

  /** Whether an event is not taken in yet; remembers recent ones, forgets old ones now and then. */
  #isNew(key: string, ts: number): boolean {
    if (this.#keys.has(key)) return false;
    this.#keys.set(key, ts);
    if (this.#keys.size > 2 * this.#keysPrunedAt + 10_000) {
      let latest = -Infinity;
      for (const t of this.#keys.values()) if (t > latest) latest = t;
      for (const [k, t] of this.#keys) if (t < latest - KEYS_KEPT_MS) this.#keys.delete(k);
      this.#keysPrunedAt = this.#keys.size;
    }
    return true;
  }
}
