import type { EventKind, VisitAttributes } from '../store/types.ts';
import type { SeriesPoint } from './compute.ts';
import type { SealedBucket } from './plan.ts';
import { DIRECT, PROPERTIES, levelOf, visitAttribute, type PropertyName } from './query.ts';
import { eventPropProperty, type RollupRow } from './rollup.ts';

/** One event as the live rollups take it in: what a store appended or read back. */
export interface LiveEvent {
  readonly ts: number;
  readonly kind: EventKind;
  readonly path: string;
  readonly name?: string | undefined;
  readonly props?: Readonly<Record<string, string>> | undefined;
  readonly engaged?: number | undefined;
  /** The engine's key of the visit (unique across buckets). */
  readonly visitKey: number;
  readonly bucket: number;
  readonly visitor: string;
  /** The visit's attributes, as its first stored event carried them. */
  readonly attributes: VisitAttributes;
}

/**
 * Timeseries points are exact for any interval whose edges fall on this grid from the bucket's
 * start. Every time zone's offset is a multiple of 15 minutes, so local hours and days do.
 */
export const LIVE_SLOT_MS = 15 * 60_000;

const VISIT_PROPERTIES = PROPERTIES.filter((p) => levelOf(p) === 'visit');

/** A rollup row being kept up to date: the totals of one property value in one open bucket. */
interface Group extends RollupRow {
  /** Visit-level groups hold all of a visit's pageviews and events; event-level ones only their own. */
  readonly visitLevel: boolean;
  visitors: number;
  visits: number;
  pageviews: number;
  events: number;
  bounces: number;
  visitPageviews: number;
  durationMs: number;
  engagedMs: number;
}

interface Visitor {
  readonly visits: Visit[];
  /**
   * For a visitor with many visits (an office behind one address, a crawler that passed as a
   * browser): how many of its visits each group holds, so joining stays O(1) instead of a scan.
   */
  counts?: Map<Group, number>;
}

/** Past this many visits a visitor's group memberships are counted rather than scanned. */
const SCAN_VISITS = 8;

/** What a visit contributes to every group it is in, besides the count of one visit. */
interface Contribution {
  pageviews: number;
  events: number;
  bounce: number;
  durationMs: number;
}

interface Visit {
  readonly visitor: Visitor;
  /** Held until the visit's first pageview or event, when its visit-level groups are joined. */
  attributes: VisitAttributes | undefined;
  pageviews: number;
  events: number;
  first: number;
  last: number;
  firstPageview: number;
  lastPageview: number;
  entry: Group | undefined;
  exit: Group | undefined;
  /** Every group the visit is in. Short (its attributes, pages and events), so a scan beats a Set. */
  readonly groups: Group[];
  /** Engagement reports at or after the last pageview (all of them before the first one): the duration's tail. */
  engagements: { ts: number; engaged: number; path: string }[];
  tailMs: number;
  /** Activity for charts: [slot, pageviews] pairs, slot = LIVE_SLOT_MS steps from the bucket start. */
  readonly slots: number[];
}

/**
 * The rollup rows of one open (unsealed) bucket, kept exact as events arrive, in memory bounded
 * by the bucket's visits and distinct values, never its events: equal at every moment to what
 * `rollupBucket` would compute from the bucket's raw events (the property test checks it, out
 * of order arrivals included). Visitor hashes never repeat across buckets, so these rows add to
 * sealed buckets' rollups exactly like another sealed bucket's would.
 */
export class LiveBucket {
  readonly start: number;
  /** Times of the oldest and newest pageview, event or engagement report taken in. */
  earliest = Infinity;
  latest = -Infinity;
  readonly #visits = new Map<number, Visit>();
  readonly #visitors = new Map<string, Visitor>();
  /** property -> value -> group */
  readonly #groups = new Map<string, Map<string, Group>>();
  /** Engaged time reported on a path no pageview or event of the bucket has shown yet. */
  readonly #unplacedEngagedMs = new Map<string, number>();
  /** How many custom events carry each prop key, over all events and per event name. */
  readonly #propKeys = new Map<string, number>();
  readonly #propKeysByEvent = new Map<string, Map<string, number>>();
  /** Pageviews per slot, for the whole bucket. */
  readonly #slotPageviews = new Map<number, number>();

  constructor(start: number) {
    this.start = start;
  }

  hasVisit(key: number): boolean {
    return this.#visits.has(key);
  }

  /** Every row, as sealing the bucket writes them. */
  allRows(): RollupRow[] {
    return [...this.#groups.values()].flatMap((values) => [...values.values()].map(rowOf));
  }

  add(e: LiveEvent): void {
    if (e.ts > this.latest) this.latest = e.ts;
    if (e.ts < this.earliest) this.earliest = e.ts;
    let visit = this.#visits.get(e.visitKey);
    if (!visit) {
      let visitor = this.#visitors.get(e.visitor);
      if (!visitor) this.#visitors.set(e.visitor, (visitor = { visits: [] }));
      visit = {
        visitor, attributes: e.attributes, pageviews: 0, events: 0, first: Infinity, last: -Infinity, firstPageview: Infinity, lastPageview: -Infinity,
        entry: undefined, exit: undefined, groups: [], engagements: [], tailMs: 0, slots: [],
      };
      visitor.visits.push(visit);
      if (visitor.visits.length === SCAN_VISITS + 1) {
        visitor.counts = new Map();
        for (const o of visitor.visits) for (const g of o.groups) visitor.counts.set(g, (visitor.counts.get(g) ?? 0) + 1);
      }
      this.#visits.set(e.visitKey, visit);
    }
    if (e.kind === 'engagement') this.#engagement(visit, e);
    else this.#action(visit, e);
  }

  #matched(v: Visit): boolean {
    return v.pageviews + v.events > 0;
  }

  #contribution(v: Visit): Contribution {
    const bounce = v.pageviews === 1 && v.events === 0 ? 1 : 0;
    return { pageviews: v.pageviews, events: v.events, bounce, durationMs: v.last - v.first + v.tailMs };
  }

  /** A pageview or custom event: the visit's numbers change, so every group it is in changes. */
  #action(v: Visit, e: LiveEvent): void {
    const wasMatched = this.#matched(v);
    const before = wasMatched ? this.#contribution(v) : undefined;
    const oldEntry = v.entry;
    const oldExit = v.exit;
    // Engagement reported before the visit counted is placed on its pages now (before the
    // pageview below drops the reports that precede it from the duration's tail).
    if (!wasMatched) for (const x of v.engagements) this.#placeEngaged(x.path, x.engaged);
    if (e.kind === 'event') v.events++;
    else {
      v.pageviews++;
      // Same tie rules as the raw computation: the first stored of equal times is the entry, the last the exit.
      if (e.ts < v.firstPageview) {
        v.firstPageview = e.ts;
        v.entry = this.#group('entry_page', e.path);
      }
      if (e.ts >= v.lastPageview) {
        if (e.ts > v.lastPageview) {
          v.lastPageview = e.ts;
          const kept = v.engagements.filter((x) => x.ts >= e.ts);
          v.engagements = kept;
          v.tailMs = kept.reduce((n, x) => n + x.engaged, 0);
        }
        v.exit = this.#group('exit_page', e.path);
      }
    }
    if (e.ts < v.first) v.first = e.ts;
    if (e.ts > v.last) v.last = e.ts;
    const after = this.#contribution(v);

    if (!before) this.#joinVisitGroups(v, after);
    else {
      const delta: Contribution = { pageviews: after.pageviews - before.pageviews, events: after.events - before.events, bounce: after.bounce - before.bounce, durationMs: after.durationMs - before.durationMs };
      for (const g of v.groups) if (g !== oldEntry && g !== oldExit) applyDelta(g, delta);
      this.#move(v, oldEntry, v.entry, before, after);
      this.#move(v, oldExit, v.exit, before, after);
    }

    for (const [property, value] of eventValues(e)) {
      const g = this.#group(property, value);
      if (!v.groups.includes(g)) this.#join(v, g, after);
      if (e.kind === 'pageview') g.pageviews++;
      else g.events++;
    }
    if (e.kind === 'event' && e.props) {
      const byEvent = e.name === undefined ? undefined : mapOf(this.#propKeysByEvent, e.name);
      for (const key of Object.keys(e.props)) {
        this.#propKeys.set(key, (this.#propKeys.get(key) ?? 0) + 1);
        byEvent?.set(key, (byEvent.get(key) ?? 0) + 1);
      }
    }

    const slot = Math.floor((e.ts - this.start) / LIVE_SLOT_MS);
    const pageview = e.kind === 'pageview' ? 1 : 0;
    if (pageview) this.#slotPageviews.set(slot, (this.#slotPageviews.get(slot) ?? 0) + 1);
    for (let i = 0; i < v.slots.length; i += 2) {
      if (v.slots[i] === slot) {
        v.slots[i + 1]! += pageview;
        return;
      }
    }
    v.slots.push(slot, pageview);
  }

  /** The visit's first pageview or event: it now counts, in all traffic and under each of its attributes. */
  #joinVisitGroups(v: Visit, c: Contribution): void {
    const attributes = v.attributes!;
    v.attributes = undefined;
    this.#join(v, this.#group('', ''), c);
    for (const property of VISIT_PROPERTIES) {
      const value = attributes[visitAttribute(property)] ?? (property === 'source' ? DIRECT : undefined);
      if (value !== undefined) this.#join(v, this.#group(property, value), c);
    }
    if (v.entry) this.#join(v, v.entry, c);
    if (v.exit) this.#join(v, v.exit, c);
  }

  /** An entry or exit page changed: the visit leaves the old page's group for the new one's. */
  #move(v: Visit, from: Group | undefined, to: Group | undefined, before: Contribution, after: Contribution): void {
    if (from === to) {
      if (from) applyDelta(from, { pageviews: after.pageviews - before.pageviews, events: after.events - before.events, bounce: after.bounce - before.bounce, durationMs: after.durationMs - before.durationMs });
      return;
    }
    if (from) this.#leave(v, from, before);
    if (to) this.#join(v, to, after);
  }

  /**
   * Whether another visit of the visitor is in the group (then the visitor counts there
   * already); `counted` says whether the visitor's counts include this visit's membership.
   */
  #visitorHas(v: Visit, g: Group, counted: 0 | 1): boolean {
    const counts = v.visitor.counts;
    if (counts) return (counts.get(g) ?? 0) > counted;
    return v.visitor.visits.some((o) => o !== v && o.groups.includes(g));
  }

  #join(v: Visit, g: Group, c: Contribution): void {
    if (!this.#visitorHas(v, g, 0)) g.visitors++;
    const counts = v.visitor.counts;
    if (counts) counts.set(g, (counts.get(g) ?? 0) + 1);
    v.groups.push(g);
    g.visits++;
    g.bounces += c.bounce;
    g.visitPageviews += c.pageviews;
    g.durationMs += c.durationMs;
    if (g.visitLevel) {
      g.pageviews += c.pageviews;
      g.events += c.events;
    }
  }

  #leave(v: Visit, g: Group, c: Contribution): void {
    v.groups.splice(v.groups.indexOf(g), 1);
    if (!this.#visitorHas(v, g, 1)) g.visitors--;
    const counts = v.visitor.counts;
    if (counts) {
      const n = counts.get(g)! - 1;
      if (n > 0) counts.set(g, n);
      else counts.delete(g);
    }
    g.visits--;
    g.bounces -= c.bounce;
    g.visitPageviews -= c.pageviews;
    g.durationMs -= c.durationMs;
    g.pageviews -= c.pageviews;
    g.events -= c.events;
    // Only entry and exit groups are ever left; one no visit holds any more is no row at all.
    if (g.visits === 0) this.#groups.get(g.property)!.delete(g.value);
  }

  #engagement(v: Visit, e: LiveEvent): void {
    const engaged = e.engaged ?? 0;
    if (!this.#matched(v)) {
      v.engagements.push({ ts: e.ts, engaged, path: e.path });
      v.tailMs += engaged;
      return;
    }
    this.#placeEngaged(e.path, engaged);
    if (e.ts < v.lastPageview) return;
    v.engagements.push({ ts: e.ts, engaged, path: e.path });
    v.tailMs += engaged;
    for (const g of v.groups) g.durationMs += engaged;
  }

  #placeEngaged(path: string, engaged: number): void {
    const page = this.#groups.get('page')?.get(path);
    if (page) page.engagedMs += engaged;
    else this.#unplacedEngagedMs.set(path, (this.#unplacedEngagedMs.get(path) ?? 0) + engaged);
  }

  #group(property: string, value: string): Group {
    const values = mapOf(this.#groups, property);
    let g = values.get(value);
    if (!g) {
      const visitLevel = property === '' || (!property.startsWith('prop:') && levelOf(property as PropertyName) !== 'event');
      g = { property, value, visitLevel, visitors: 0, visits: 0, pageviews: 0, events: 0, bounces: 0, visitPageviews: 0, durationMs: 0, engagedMs: 0 };
      values.set(value, g);
      if (property === 'page') {
        g.engagedMs = this.#unplacedEngagedMs.get(value) ?? 0;
        this.#unplacedEngagedMs.delete(value);
      }
    }
    return g;
  }

  /** The rows of one property ('' = all traffic), or of one of its values: what a sealed bucket's rollups hold. */
  rows(property: string, value?: string): RollupRow[] {
    const values = this.#groups.get(property);
    if (!values) return [];
    if (value !== undefined) {
      const g = values.get(value);
      return g ? [rowOf(g)] : [];
    }
    return [...values.values()].map(rowOf);
  }

  /** How many custom events (of one name, if given) carry each prop key. */
  propKeyCounts(event?: string): ReadonlyMap<string, number> {
    return event === undefined ? this.#propKeys : (this.#propKeysByEvent.get(event) ?? new Map());
  }

  /**
   * Visitors, visits and pageviews of the whole bucket within each of some disjoint, ordered
   * stretches; undefined if an edge is off the slot grid (the caller then reads raw events).
   */
  series(pieces: readonly { start: number; end: number }[]): Pick<SeriesPoint, 'visitors' | 'visits' | 'pageviews'>[] | undefined {
    const edges: number[] = [];
    for (const p of pieces) {
      const a = (p.start - this.start) / LIVE_SLOT_MS;
      const b = (p.end - this.start) / LIVE_SLOT_MS;
      if (!Number.isInteger(a) || !(Number.isInteger(b) || p.end > this.latest)) return undefined;
      edges.push(a, Number.isInteger(b) ? b : Math.floor((this.latest - this.start) / LIVE_SLOT_MS) + 1);
    }
    const pieceOf = (slot: number): number => {
      let lo = 0;
      let hi = pieces.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (slot < edges[2 * mid]!) hi = mid - 1;
        else if (slot >= edges[2 * mid + 1]!) lo = mid + 1;
        else return mid;
      }
      return -1;
    };
    const out = pieces.map(() => ({ visitors: 0, visits: 0, pageviews: 0 }));
    const seenByVisitor = new Int32Array(pieces.length).fill(-1);
    const seenByVisit = new Int32Array(pieces.length).fill(-1);
    let visitorStamp = 0;
    let visitStamp = 0;
    for (const visitor of this.#visitors.values()) {
      for (const v of visitor.visits) {
        for (let i = 0; i < v.slots.length; i += 2) {
          const k = pieceOf(v.slots[i]!);
          if (k < 0) continue;
          if (seenByVisitor[k] !== visitorStamp) {
            seenByVisitor[k] = visitorStamp;
            out[k]!.visitors++;
          }
          if (seenByVisit[k] !== visitStamp) {
            seenByVisit[k] = visitStamp;
            out[k]!.visits++;
          }
          out[k]!.pageviews += v.slots[i + 1]!;
        }
        visitStamp++;
      }
      visitorStamp++;
    }
    return out;
  }
}

/** A live bucket as a span of time the planner can answer from it. */
export interface LiveSpan extends SealedBucket {
  readonly live: LiveBucket;
}

/** The open buckets' live rollups: usually one, two for a while after a rotation until the ended one is sealed. */
export class LiveRollups {
  readonly #buckets = new Map<number, LiveBucket>();

  add(e: LiveEvent): void {
    let b = this.#buckets.get(e.bucket);
    if (!b) this.#buckets.set(e.bucket, (b = new LiveBucket(e.bucket)));
    b.add(e);
  }

  /** Forgets the buckets that started before `bucket` (sealed now: their rollups are on disk). */
  dropBefore(bucket: number): void {
    for (const start of this.#buckets.keys()) if (start < bucket) this.#buckets.delete(start);
  }

  /** The bucket holding a visit, if any event of it was taken in. */
  bucketOf(visitKey: number): number | undefined {
    for (const b of this.#buckets.values()) if (b.hasVisit(visitKey)) return b.start;
    return undefined;
  }

  bucket(start: number): LiveBucket | undefined {
    return this.#buckets.get(start);
  }

  get buckets(): LiveBucket[] {
    return [...this.#buckets.values()].sort((a, b) => a.start - b.start);
  }

  /**
   * The live buckets lying wholly inside [from, to), as spans the planner can treat like sealed
   * buckets: a bucket ends where the next begins, and the newest covers up to `to` once its
   * newest event is before `to` (nothing of it lies beyond).
   */
  within(from: number, to: number): LiveSpan[] {
    const all = this.buckets;
    const out: LiveSpan[] = [];
    all.forEach((b, i) => {
      // Events lie at or after their bucket's start; the minimum only guards hand-made data.
      const start = Math.min(b.start, b.earliest);
      const end = all[i + 1]?.start ?? (b.latest < to ? to : Infinity);
      if (start >= from && end <= to && b.latest < end) out.push({ start, end, live: b });
    });
    return out;
  }
}

function applyDelta(g: Group, d: Contribution): void {
  g.bounces += d.bounce;
  g.visitPageviews += d.pageviews;
  g.durationMs += d.durationMs;
  if (g.visitLevel) {
    g.pageviews += d.pageviews;
    g.events += d.events;
  }
}

/** The event-level groups one pageview or custom event belongs to. */
function eventValues(e: LiveEvent): [string, string][] {
  const out: [string, string][] = [['page', e.path]];
  if (e.kind !== 'event') return out;
  if (e.name !== undefined) out.push(['event', e.name]);
  if (e.props) {
    for (const [key, value] of Object.entries(e.props)) {
      out.push([`prop:${key}`, value]);
      if (e.name !== undefined) out.push([eventPropProperty(`prop:${key}`, e.name), value]);
    }
  }
  return out;
}

function rowOf(g: Group): RollupRow {
  return {
    property: g.property, value: g.value, visitors: g.visitors, visits: g.visits, pageviews: g.pageviews, events: g.events,
    bounces: g.bounces, visitPageviews: g.visitPageviews, durationMs: g.durationMs, engagedMs: g.engagedMs,
  };
}

function mapOf<K, V extends Map<unknown, unknown>>(outer: Map<K, V>, key: K): V {
  let inner = outer.get(key);
  if (!inner) outer.set(key, (inner = new Map() as V));
  return inner;
}
