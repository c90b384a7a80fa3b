import type { EventKind, VisitAttributes } from '../model/events.ts';
import type { BreakdownPart } from './compute.ts';
import { DIRECT, PROPERTIES, type Filter, type Goal, type PropertyName, type SeriesPoint, type Totals } from '../model/stats.ts';
import { goalsOf, matchesGoal } from './goals.ts';
import type { SealedBucket } from './plan.ts';
import { levelOf, visitAttribute } from './query.ts';
import { AttributeRows, ListPool, resized, Table } from './live-columns.ts';
import { NumberIndex, PairCounts } from './live-hash.ts';
import { eventPropProperty, type RollupRow } from './rollup.ts';

/** One event as the live rollups take it in: what a store appended or read back. */
export interface LiveEvent {
  readonly ts: number;
  readonly kind: EventKind;
  readonly path: string;
  readonly name?: string | undefined;
  readonly props?: Readonly<Record<string, string>> | undefined;
  readonly engaged?: number | undefined;
  readonly scroll?: number | undefined;
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
/** A visit attribute's place in a visit's row of attribute groups. */
const ATTRIBUTE_INDEX = new Map<string, number>(VISIT_PROPERTIES.map((p, i) => [p, i]));

/** A rollup row being kept up to date: the totals of one property value in one open bucket. */
interface Group extends RollupRow {
  readonly id: number;
  /** Visit-level groups hold all of a visit's pageviews and events; event-level ones only their own. */
  readonly visitLevel: boolean;
  /** For a visit attribute's group, the attribute's index in VISIT_PROPERTIES; else -1. */
  readonly attribute: number;
  /** Totals' counts are writable already; these are read-only in a stored row. */
  engagedMs: number;
  scrollSum: number;
  scrollCount: number;
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

/** The visits a filtered question selects, in visitor order (so distinct visitors count in one pass). */
interface Selection {
  readonly eventFilter: { readonly property: PropertyName; readonly ids: ReadonlySet<number> } | undefined;
  /** Selected visits in [0, length) of the columns below. */
  length: number;
  visitor: Int32Array;
  visit: Int32Array;
  /** 1 if the visit has a row passing the event-level filter (always, without one). */
  matched: Uint8Array;
  /** Pageviews and events of those rows. */
  pageviews: Int32Array;
  events: Int32Array;
}

/** A visit before its first pageview or event: its attributes, and engagement reported so far. */
interface Unmatched {
  readonly attributes: VisitAttributes;
  readonly pending: { path: string; engaged: number; at: number }[];
}

type VisitInt = 'visitor' | 'nextOfVisitor' | 'joined' | 'pageviews' | 'events' | 'entry' | 'exit' | 'groups' | 'slots' | 'tail' | 'scroll';
/** Times are ms from the bucket's start; first/last are set by the first pageview or event. */
type VisitFloat = 'first' | 'last' | 'firstPageview' | 'lastPageview' | 'tailMs';

/**
 * The rollup rows of one open (unsealed) bucket, kept exact as events arrive, in memory bounded
 * by the bucket's visits and distinct values, never its events: equal at every moment to what
 * `rollupBucket` would compute from the bucket's raw events (the property test checks it, out
 * of order arrivals included). Visitor hashes never repeat across buckets, so these rows add to
 * sealed buckets' rollups exactly like another sealed bucket's would.
 *
 * Per visit it keeps a row of numbers (live-columns.ts): counts, times, entry and exit page
 * groups (a member of those two by the row alone), and lists of its other groups (its pages',
 * events' and props', with its counts there), of its
 * active chart slots and of the engagement reported since its last pageview (the duration's
 * tail). Its visit-level groups are all traffic ('') and one per attribute: a row of group ids
 * per visit (attribute combinations are nearly as many as visits on a real site, so sharing them
 * between visits saved nothing, and a shared list cost several hundred bytes as objects).
 */
export class LiveBucket {
  readonly start: number;
  /** Time of the newest pageview, event or engagement report taken in. */
  latest = -Infinity;
  /** The store's visit key -> the visit's row. */
  readonly #visitIndex = new NumberIndex();
  readonly #v = new Table<VisitInt, VisitFloat>(
    ['visitor', 'nextOfVisitor', 'joined', 'pageviews', 'events', 'entry', 'exit', 'groups', 'slots', 'tail', 'scroll'],
    ['first', 'last', 'firstPageview', 'lastPageview', 'tailMs'],
    ['nextOfVisitor', 'entry', 'exit', 'groups', 'slots', 'tail', 'scroll'],
  );
  /** Per visit, the group id of each visit attribute (-1: absent), set when the visit joins (`joined` = 1). */
  readonly #attributes = new AttributeRows(VISIT_PROPERTIES.length);
  /** The all-traffic group ('' = ''), made by the first visit that joins. */
  #all: Group | undefined;
  readonly #unmatched = new Map<number, Unmatched>();
  /** Engagement a visit reported on a path where it has no pageview or event (yet): visit -> path -> ms. */
  readonly #stray = new Map<number, Map<string, number>>();
  readonly #visitorIndex = new Map<string, number>();
  /** Per visitor: its newest visit (the head of a list through nextOfVisitor) and how many it has. */
  readonly #visitors = new Table<'head' | 'count', never>(['head', 'count'], [], ['head']);
  /** For a visitor with many visits (an office behind one address): (visitor, group) -> its visits there, so joining stays O(1). */
  readonly #counts = new PairCounts();
  /**
   * A visit's groups: [group id, its pageviews there, its custom events there, engaged ms (page
   * groups)], so filtered questions can be answered from visits; [slot, pageviews]; [engaged ms, time].
   */
  readonly #members = new ListPool({ b: true, c: true, x: true });
  readonly #slots = new ListPool({ b: true });
  readonly #tail = new ListPool({ x: true });
  /** A visit's deepest scroll depth per path it reported one on: [path id, depth]. */
  readonly #scroll = new ListPool({ b: true });
  readonly #pathIds = new Map<string, number>();
  readonly #paths: string[] = [];
  /** Scroll depths (sum, count) of counted visits on a path no pageview or event of the bucket has shown yet. */
  readonly #unplacedScroll = new Map<string, { sum: number; count: number }>();
  /** property -> value -> group; groups by id. */
  readonly #groups = new Map<string, Map<string, Group>>();
  readonly #groupList: Group[] = [];
  /** Engaged time reported on a path no pageview or event of the bucket has shown yet. */
  readonly #unplacedEngagedMs = new Map<string, number>();
  /** How many custom events carry each prop key. */
  readonly #propKeys = new Map<string, number>();
  /**
   * Page goals counted as groups of their own (property 'goal', the goal's definition as value)
   * from the first question naming one alone: its totals are then a row kept as pageviews
   * arrive, where a selection walked every visit's groups again after each event (two page goals
   * were most of a busy `today` page). Never a sealed row: goals are settings, not events.
   */
  readonly #pageGoals = new Map<string, { readonly goal: Goal; readonly group: Group }>();
  /** Page group id -> the tracked page goals' groups its pageviews convert to. */
  readonly #goalsOfPage = new Map<number, readonly Group[]>();

  constructor(start: number) {
    this.start = start;
  }

  hasVisit(key: number): boolean {
    return this.#visitIndex.has(key);
  }

  /** Every row, as sealing the bucket writes them. */
  allRows(): RollupRow[] {
    return this.#groupList.filter((g) => g.visits > 0 && g.property !== 'goal').map(rowOf);
  }

  add(e: LiveEvent): void {
    // Selections describe the state before this event: dropped now rather than at the next
    // question, which may come hours later (4 selections of an unfiltered day held 18 MB).
    if (this.#selected.size > 0) this.#selected.clear();
    if (e.ts > this.latest) this.latest = e.ts;
    let v = this.#visitIndex.get(e.visitKey);
    if (v < 0) v = this.#newVisit(e);
    const at = e.ts - this.start;
    if (e.kind === 'engagement') this.#engagement(v, e, at);
    else this.#action(v, e, at);
  }

  #newVisit(e: LiveEvent): number {
    let visitor = this.#visitorIndex.get(e.visitor);
    if (visitor === undefined) this.#visitorIndex.set(e.visitor, (visitor = this.#visitors.add()));
    const v = this.#v.add();
    this.#attributes.add();
    const vi = this.#v.ints;
    vi.visitor[v] = visitor;
    const { head, count } = this.#visitors.ints;
    vi.nextOfVisitor[v] = head[visitor]!;
    head[visitor] = v;
    count[visitor]!++;
    if (count[visitor] === SCAN_VISITS + 1) for (const g of this.#visitorGroups(visitor)) this.#counts.add(visitor, g, 1);
    this.#unmatched.set(v, { attributes: e.attributes, pending: [] });
    this.#visitIndex.set(e.visitKey, v);
    return v;
  }

  /** Whether the visitor's memberships are counted in #counts (past SCAN_VISITS visits) rather than scanned. */
  #counted(visitor: number): boolean {
    return this.#visitors.ints.count[visitor]! > SCAN_VISITS;
  }

  /** Every group id of every visit of a visitor, once per visit holding it. */
  #visitorGroups(visitor: number): number[] {
    const out: number[] = [];
    const vi = this.#v.ints;
    for (let o = this.#visitors.ints.head[visitor]!; o >= 0; o = vi.nextOfVisitor[o]!) {
      if (vi.joined[o]) {
        out.push(this.#all!.id);
        if (vi.entry[o]! >= 0) out.push(vi.entry[o]!);
        if (vi.exit[o]! >= 0) out.push(vi.exit[o]!);
        for (let i = 0; i < VISIT_PROPERTIES.length; i++) {
          const g = this.#attributes.get(o, i);
          if (g >= 0) out.push(g);
        }
      }
      for (let c = vi.groups[o]!; c >= 0; c = this.#members.next[c]!) out.push(this.#members.a[c]!);
    }
    return out;
  }

  #contribution(v: number): Contribution {
    const { pageviews, events } = this.#v.ints;
    const { first, last, tailMs } = this.#v.floats;
    const bounce = pageviews[v] === 1 && events[v] === 0 ? 1 : 0;
    return { pageviews: pageviews[v]!, events: events[v]!, bounce, durationMs: last[v]! - first[v]! + tailMs[v]! };
  }

  /** A pageview or custom event: the visit's numbers change, so every group it is in changes. */
  #action(v: number, e: LiveEvent, at: number): void {
    const vi = this.#v.ints;
    const vf = this.#v.floats;
    const unmatched = this.#unmatched.get(v);
    const before = unmatched ? undefined : this.#contribution(v);
    const oldEntry = vi.entry[v]!;
    const oldExit = vi.exit[v]!;
    if (unmatched) {
      vf.first[v] = vf.last[v] = at;
      // Engagement reported before the visit counted is placed on its pages now, and is all of
      // the duration's tail until a pageview cuts it.
      for (const x of unmatched.pending) {
        this.#placeEngaged(x.path, x.engaged);
        vi.tail[v] = this.#tail.push(vi.tail[v]!, x.engaged, 0, x.at);
      }
    }
    if (e.kind === 'event') vi.events[v]!++;
    else {
      const firstView = vi.pageviews[v] === 0;
      vi.pageviews[v]!++;
      // Same tie rules as the raw computation: the first stored of equal times is the entry, the last the exit.
      if (firstView || at < vf.firstPageview[v]!) {
        vf.firstPageview[v] = at;
        vi.entry[v] = this.#group('entry_page', e.path).id;
      }
      if (firstView || at >= vf.lastPageview[v]!) {
        if (firstView || at > vf.lastPageview[v]!) {
          vf.lastPageview[v] = at;
          this.#cutTail(v, at);
        }
        vi.exit[v] = this.#group('exit_page', e.path).id;
      }
    }
    if (at < vf.first[v]!) vf.first[v] = at;
    if (at > vf.last[v]!) vf.last[v] = at;
    const after = this.#contribution(v);

    if (!before) this.#joinVisitGroups(v, unmatched!.attributes, after);
    else {
      const delta = difference(after, before);
      applyDelta(this.#all!, delta);
      for (let i = 0; i < VISIT_PROPERTIES.length; i++) {
        const g = this.#attributes.get(v, i);
        if (g >= 0) applyDelta(this.#groupList[g]!, delta);
      }
      for (let c = vi.groups[v]!; c >= 0; c = this.#members.next[c]!) applyDelta(this.#groupList[this.#members.a[c]!]!, delta);
      this.#move(v, oldEntry, vi.entry[v]!, before, after);
      this.#move(v, oldExit, vi.exit[v]!, before, after);
    }

    for (const [property, value] of eventValues(e)) {
      const g = this.#group(property, value);
      let cell = this.#members.find(vi.groups[v]!, g.id);
      if (cell < 0) {
        this.#join(v, g, after, true);
        cell = vi.groups[v]!;
        if (property === 'page') this.#absorbStray(v, value, cell);
      }
      if (e.kind === 'pageview') {
        g.pageviews++;
        this.#members.b[cell]!++;
        if (this.#pageGoals.size) this.#convert(v, g, after, 1);
      } else {
        g.events++;
        this.#members.c[cell]!++;
      }
    }
    if (unmatched) for (const x of unmatched.pending) this.#placeVisitEngaged(v, x.path, x.engaged);
    if (e.kind === 'event' && e.props) for (const key of Object.keys(e.props)) this.#propKeys.set(key, (this.#propKeys.get(key) ?? 0) + 1);

    const slot = Math.floor(at / LIVE_SLOT_MS);
    const pageview = e.kind === 'pageview' ? 1 : 0;
    for (let c = vi.slots[v]!; c >= 0; c = this.#slots.next[c]!) {
      if (this.#slots.a[c] === slot) {
        this.#slots.b[c]! += pageview;
        return;
      }
    }
    vi.slots[v] = this.#slots.push(vi.slots[v]!, slot, pageview);
  }

  /** A later last pageview: engagement reported before it no longer extends the visit. */
  #cutTail(v: number, lastPageview: number): void {
    const vi = this.#v.ints;
    let kept = -1;
    let ms = 0;
    for (let c = vi.tail[v]!; c >= 0; c = this.#tail.next[c]!) {
      if (this.#tail.x[c]! < lastPageview) continue;
      kept = this.#tail.push(kept, this.#tail.a[c]!, 0, this.#tail.x[c]!);
      ms += this.#tail.a[c]!;
    }
    this.#tail.clear(vi.tail[v]!);
    vi.tail[v] = kept;
    this.#v.floats.tailMs[v] = ms;
  }

  /** The visit's first pageview or event: it now counts, in all traffic and under each of its attributes. */
  #joinVisitGroups(v: number, attributes: VisitAttributes, c: Contribution): void {
    this.#unmatched.delete(v);
    this.#v.ints.joined[v] = 1;
    // Its scroll depths count from now on, like its engaged time.
    for (let cell = this.#v.ints.scroll[v]!; cell >= 0; cell = this.#scroll.next[cell]!) this.#placeScroll(this.#paths[this.#scroll.a[cell]!]!, this.#scroll.b[cell]!, 1);
    this.#all ??= this.#group('', '');
    this.#join(v, this.#all, c, false);
    VISIT_PROPERTIES.forEach((property, i) => {
      const value = attributes[visitAttribute(property)] ?? (property === 'source' ? DIRECT : undefined);
      if (value === undefined) return;
      const g = this.#group(property, value);
      this.#attributes.set(v, i, g.id);
      this.#join(v, g, c, false);
    });
    const { entry, exit } = this.#v.ints;
    if (entry[v]! >= 0) this.#join(v, this.#groupList[entry[v]!]!, c, false);
    if (exit[v]! >= 0) this.#join(v, this.#groupList[exit[v]!]!, c, false);
  }

  /** An entry or exit page changed: the visit leaves the old page's group for the new one's. */
  #move(v: number, from: number, to: number, before: Contribution, after: Contribution): void {
    if (from === to) {
      if (from >= 0) applyDelta(this.#groupList[from]!, difference(after, before));
      return;
    }
    if (from >= 0) this.#leave(v, this.#groupList[from]!, before);
    if (to >= 0) this.#join(v, this.#groupList[to]!, after, false);
  }

  /**
   * Whether another visit of the visitor is in the group (then the visitor counts there
   * already); `counted` says whether the visitor's counts include this visit's membership.
   */
  #visitorHas(v: number, g: Group, counted: 0 | 1): boolean {
    const vi = this.#v.ints;
    if (this.#counted(vi.visitor[v]!)) return this.#counts.get(vi.visitor[v]!, g.id) > counted;
    for (let o = this.#visitors.ints.head[vi.visitor[v]!]!; o >= 0; o = vi.nextOfVisitor[o]!) {
      if (o === v) continue;
      if (vi.joined[o] && (g === this.#all || vi.entry[o] === g.id || vi.exit[o] === g.id || (g.attribute >= 0 && this.#attributes.get(o, g.attribute) === g.id))) return true;
      if (this.#members.has(vi.groups[o]!, g.id)) return true;
    }
    return false;
  }

  /**
   * Counts the visit in a group; `own` groups are listed on the visit, the others are in its row
   * (all traffic, its attributes, its entry and exit page: a list cell each cost 24 bytes a visit).
   */
  #join(v: number, g: Group, c: Contribution, own: boolean): void {
    if (!this.#visitorHas(v, g, 0)) g.visitors++;
    const visitor = this.#v.ints.visitor[v]!;
    if (this.#counted(visitor)) this.#counts.add(visitor, g.id, 1);
    if (own) this.#v.ints.groups[v] = this.#members.push(this.#v.ints.groups[v]!, g.id);
    g.visits++;
    applyDelta(g, c);
  }

  /**
   * Only entry and exit groups are ever left (the caller has changed the row already); one no
   * visit holds any more is no row (rows() skips it).
   */
  #leave(v: number, g: Group, c: Contribution): void {
    const vi = this.#v.ints;
    if (!this.#visitorHas(v, g, 1)) g.visitors--;
    if (this.#counted(vi.visitor[v]!)) this.#counts.add(vi.visitor[v]!, g.id, -1);
    g.visits--;
    applyDelta(g, difference({ pageviews: 0, events: 0, bounce: 0, durationMs: 0 }, c));
  }

  #engagement(v: number, e: LiveEvent, at: number): void {
    if (e.scroll !== undefined) this.#scrollReport(v, e.path, e.scroll);
    const engaged = e.engaged ?? 0;
    const vi = this.#v.ints;
    const vf = this.#v.floats;
    const unmatched = this.#unmatched.get(v);
    if (unmatched) {
      unmatched.pending.push({ path: e.path, engaged, at });
      vf.tailMs[v]! += engaged;
      return;
    }
    this.#placeEngaged(e.path, engaged);
    this.#placeVisitEngaged(v, e.path, engaged);
    if (vi.pageviews[v]! > 0 && at < vf.lastPageview[v]!) return;
    vi.tail[v] = this.#tail.push(vi.tail[v]!, engaged, 0, at);
    vf.tailMs[v]! += engaged;
    this.#all!.durationMs += engaged;
    for (let i = 0; i < VISIT_PROPERTIES.length; i++) {
      const g = this.#attributes.get(v, i);
      if (g >= 0) this.#groupList[g]!.durationMs += engaged;
    }
    if (vi.entry[v]! >= 0) this.#groupList[vi.entry[v]!]!.durationMs += engaged;
    if (vi.exit[v]! >= 0) this.#groupList[vi.exit[v]!]!.durationMs += engaged;
    for (let c = vi.groups[v]!; c >= 0; c = this.#members.next[c]!) this.#groupList[this.#members.a[c]!]!.durationMs += engaged;
  }

  /**
   * A scroll depth report: the visit's deepest on the path may grow, and with it (once the visit
   * counts) the page's sum, or its count on the visit's first report there.
   */
  #scrollReport(v: number, path: string, depth: number): void {
    let pid = this.#pathIds.get(path);
    if (pid === undefined) {
      pid = this.#paths.push(path) - 1;
      this.#pathIds.set(path, pid);
    }
    const vi = this.#v.ints;
    const cell = this.#scroll.find(vi.scroll[v]!, pid);
    const old = cell >= 0 ? this.#scroll.b[cell]! : -1;
    if (depth <= old) return;
    if (cell >= 0) this.#scroll.b[cell] = depth;
    else vi.scroll[v] = this.#scroll.push(vi.scroll[v]!, pid, depth);
    if (vi.joined[v]) this.#placeScroll(path, depth - Math.max(old, 0), old < 0 ? 1 : 0);
  }

  #placeScroll(path: string, sum: number, count: number): void {
    const page = this.#groups.get('page')?.get(path);
    if (page) {
      page.scrollSum += sum;
      page.scrollCount += count;
      return;
    }
    const unplaced = this.#unplacedScroll.get(path);
    if (unplaced) {
      unplaced.sum += sum;
      unplaced.count += count;
    } else this.#unplacedScroll.set(path, { sum, count });
  }

  /** Engaged time on the visit's own cell for the page, for filtered page breakdowns. */
  #placeVisitEngaged(v: number, path: string, engaged: number): void {
    const page = this.#groups.get('page')?.get(path);
    const cell = page ? this.#members.find(this.#v.ints.groups[v]!, page.id) : -1;
    if (cell >= 0) this.#members.x[cell]! += engaged;
    else {
      const paths = mapOf(this.#stray, v);
      paths.set(path, (paths.get(path) ?? 0) + engaged);
    }
  }

  #absorbStray(v: number, path: string, cell: number): void {
    const paths = this.#stray.get(v);
    const ms = paths?.get(path);
    if (ms === undefined) return;
    this.#members.x[cell]! += ms;
    paths!.delete(path);
    if (paths!.size === 0) this.#stray.delete(v);
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
      g = {
        id: this.#groupList.length,
        property,
        value,
        visitLevel,
        attribute: ATTRIBUTE_INDEX.get(property) ?? -1,
        visitors: 0,
        visits: 0,
        pageviews: 0,
        events: 0,
        bounces: 0,
        visitPageviews: 0,
        durationMs: 0,
        engagedMs: 0,
        scrollSum: 0,
        scrollCount: 0,
      };
      this.#groupList.push(g);
      values.set(value, g);
      if (property === 'page') {
        g.engagedMs = this.#unplacedEngagedMs.get(value) ?? 0;
        this.#unplacedEngagedMs.delete(value);
        const scroll = this.#unplacedScroll.get(value);
        if (scroll) {
          g.scrollSum = scroll.sum;
          g.scrollCount = scroll.count;
          this.#unplacedScroll.delete(value);
        }
      }
    }
    return g;
  }

  /** The rows of one property ('' = all traffic), or of one of its values: what a sealed bucket's rollups hold. */
  rows(property: string, value?: string): RollupRow[] {
    const values = this.#groups.get(property);
    if (!values) return [];
    const groups = value === undefined ? [...values.values()] : [values.get(value)].filter((g) => g !== undefined);
    return groups.filter((g) => g.visits > 0).map(rowOf);
  }

  /** How many custom events carry each prop key. */
  propKeyCounts(): ReadonlyMap<string, number> {
    return this.#propKeys;
  }

  /**
   * The visits a filtered question selects, from their own state: those passing the visit-level
   * filters, and of those the ones with a row passing the (at most one) event-level filter, with
   * the pageviews and events of those rows. Undefined for two event-level filters (a page and an
   * event at once): only raw events answer that.
   */
  #select(filters: readonly Filter[], goals?: readonly Goal[]): Selection | undefined {
    // A dashboard view asks every card with the same filters: select once per state of the bucket.
    // The next event drops them (add), as they each hold up to 17 bytes per visit of the day.
    // A goal filter's selection depends on the goals it names only: the goal card (asked with the
    // page goals) and a view filtered by that goal (asked with every goal) share one.
    const named = filters.filter((f) => f.property === 'goal').map((f) => goalsOf({ goals }, f));
    const key = JSON.stringify(named.length ? [filters, named] : filters);
    if (this.#selected.has(key)) return this.#selected.get(key);
    if (this.#selected.size >= 4) this.#selected.delete(this.#selected.keys().next().value!);
    const selection = this.#selectNow(filters, goals);
    this.#selected.set(key, selection);
    return selection;
  }

  /** The last few selections of the current state, none after an event (a view's cards add an event filter of their own to the view's). */
  readonly #selected = new Map<string, Selection | undefined>();

  #selectNow(filters: readonly Filter[], goals?: readonly Goal[]): Selection | undefined {
    const eventFilters = filters.filter((f) => levelOf(f.property) === 'event');
    if (eventFilters.length > 1) return undefined;
    const ids = (f: Filter) => new Set(f.values.flatMap((value) => this.#groups.get(f.property)?.get(value)?.id ?? []));
    const visitFilters = filters.filter((f) => levelOf(f.property) !== 'event').map((f) => ({ property: f.property, ids: ids(f) }));
    const [first] = eventFilters;
    // A goal filter selects the page groups its patterns match (counting their views) and its
    // events' groups (counting their events): the conversions, as matchesGoal decides them.
    const views = first?.property === 'goal' ? this.#goalPageGroups(goalsOf({ goals }, first)) : undefined;
    const ef = first
      ? { property: first.property, ids: first.property === 'goal' ? new Set([...views!, ...this.#goalEventGroups(goalsOf({ goals }, first))]) : ids(first) }
      : undefined;
    const vi = this.#v.ints;
    const { a: groupOf, b: cellViews, c: cellEvents, next } = this.#members;
    const n = this.#v.length;
    const sel: Selection = {
      eventFilter: ef,
      length: 0,
      visitor: new Int32Array(n),
      visit: new Int32Array(n),
      matched: new Uint8Array(n),
      pageviews: new Int32Array(n),
      events: new Int32Array(n),
    };
    for (let visitor = 0; visitor < this.#visitors.length; visitor++) {
      visits: for (let v = this.#visitors.ints.head[visitor]!; v >= 0; v = vi.nextOfVisitor[v]!) {
        if (!vi.joined[v]) continue;
        for (const f of visitFilters) if (!f.ids.has(this.#visitValue(v, f.property))) continue visits;
        let pageviews = vi.pageviews[v]!;
        let events = vi.events[v]!;
        if (ef) {
          pageviews = events = 0;
          for (let c = vi.groups[v]!; c >= 0; c = next[c]!) {
            const gid = groupOf[c]!;
            if (!ef.ids.has(gid)) continue;
            if (views) {
              if (views.has(gid)) pageviews += cellViews[c]!;
              else events += cellEvents[c]!;
              continue;
            }
            pageviews += cellViews[c]!;
            events += cellEvents[c]!;
          }
        }
        const i = sel.length++;
        sel.visitor[i] = visitor;
        sel.visit[i] = v;
        sel.matched[i] = !ef || pageviews + events > 0 ? 1 : 0;
        sel.pageviews[i] = pageviews;
        sel.events[i] = events;
      }
    }
    // Columns sized for every visit of the day, cut to the visits selected (a narrow filter's few).
    if (sel.length < n / 2) {
      sel.visitor = resized(sel.visitor, sel.length);
      sel.visit = resized(sel.visit, sel.length);
      sel.matched = resized(sel.matched, sel.length);
      sel.pageviews = resized(sel.pageviews, sel.length);
      sel.events = resized(sel.events, sel.length);
    }
    return sel;
  }

  /** The page groups whose path a page goal matches. */
  #goalPageGroups(goals: readonly Goal[]): Set<number> {
    const out = new Set<number>();
    const pages = goals.filter((g) => g.kind === 'page');
    if (pages.length === 0) return out;
    for (const [path, g] of this.#groups.get('page') ?? []) if (pages.some((goal) => matchesGoal(goal, { kind: 'pageview', path }))) out.add(g.id);
    return out;
  }

  /**
   * The group of the one page goal a filter names alone (counted from now on; the visits so far
   * join it from their pages' groups), or undefined for any other filter.
   */
  #pageGoalGroup(filters: readonly Filter[], goals?: readonly Goal[]): Group | undefined {
    if (filters.length !== 1 || filters[0]!.property !== 'goal') return undefined;
    const named = goalsOf({ goals }, filters[0]!);
    const goal = named.length === 1 && named[0]!.kind === 'page' ? named[0]! : undefined;
    if (!goal) return undefined;
    const key = JSON.stringify(goal);
    const tracked = this.#pageGoals.get(key);
    if (tracked) return tracked.group;
    const g = this.#group('goal', key);
    this.#pageGoals.set(key, { goal, group: g });
    this.#goalsOfPage.clear();
    // The conversions so far first, then the joins: a join's new list cell may move the pool's columns.
    const pages = this.#goalPageGroups([goal]);
    const vi = this.#v.ints;
    const { a: groupOf, b: cellViews, next } = this.#members;
    const converted: [visit: number, views: number][] = [];
    for (let v = 0; v < this.#v.length; v++) {
      if (!vi.joined[v]) continue;
      let views = 0;
      for (let c = vi.groups[v]!; c >= 0; c = next[c]!) if (pages.has(groupOf[c]!)) views += cellViews[c]!;
      if (views > 0) converted.push([v, views]);
    }
    for (const [v, views] of converted) {
      this.#join(v, g, this.#contribution(v), true);
      g.pageviews += views;
      this.#members.b[vi.groups[v]!] = views;
    }
    return g;
  }

  /** A visit's pageviews on a page: conversions of each tracked page goal matching the page. */
  #convert(v: number, page: Group, c: Contribution, views: number): void {
    let goals = this.#goalsOfPage.get(page.id);
    if (!goals) {
      goals = [...this.#pageGoals.values()].filter((t) => matchesGoal(t.goal, { kind: 'pageview', path: page.value })).map((t) => t.group);
      this.#goalsOfPage.set(page.id, goals);
    }
    for (const g of goals) {
      let cell = this.#members.find(this.#v.ints.groups[v]!, g.id);
      if (cell < 0) {
        this.#join(v, g, c, true);
        cell = this.#v.ints.groups[v]!;
      }
      g.pageviews += views;
      this.#members.b[cell]! += views;
    }
  }

  /** The event groups an event goal names. */
  #goalEventGroups(goals: readonly Goal[]): number[] {
    return goals.flatMap((g) => (g.kind === 'event' ? (this.#groups.get('event')?.get(g.event)?.id ?? []) : []));
  }

  /** The group id of a visit's value for a visit-level property, or -1. */
  #visitValue(v: number, property: PropertyName): number {
    const vi = this.#v.ints;
    if (property === 'entry_page') return vi.entry[v]!;
    if (property === 'exit_page') return vi.exit[v]!;
    const i = ATTRIBUTE_INDEX.get(property);
    return i === undefined ? -1 : this.#attributes.get(v, i);
  }

  /** Totals of a filtered question, or undefined (see #select). */
  filteredTotals(filters: readonly Filter[], goals?: readonly Goal[]): Totals | undefined {
    const goal = this.#pageGoalGroup(filters, goals);
    if (goal) {
      const { visitors, visits, pageviews, events, bounces, visitPageviews, durationMs } = goal;
      return { visitors, visits, pageviews, events, bounces, visitPageviews, durationMs };
    }
    const sel = this.#select(filters, goals);
    if (!sel) return undefined;
    const vi = this.#v.ints;
    const vf = this.#v.floats;
    const t: Totals = { visitors: 0, visits: 0, pageviews: 0, events: 0, bounces: 0, visitPageviews: 0, durationMs: 0 };
    let lastVisitor = -1;
    for (let i = 0; i < sel.length; i++) {
      const v = sel.visit[i]!;
      if (!sel.matched[i]) continue;
      if (sel.visitor[i] !== lastVisitor) t.visitors++;
      lastVisitor = sel.visitor[i]!;
      t.visits++;
      t.pageviews += sel.pageviews[i]!;
      t.events += sel.events[i]!;
      if (vi.pageviews[v] === 1 && vi.events[v] === 0) t.bounces++;
      t.visitPageviews += vi.pageviews[v]!;
      t.durationMs += vf.last[v]! - vf.first[v]! + vf.tailMs[v]!;
    }
    return t;
  }

  /** Breakdown parts of a filtered question, or undefined where only raw events answer it. */
  filteredParts(filters: readonly Filter[], property: PropertyName, goals?: readonly Goal[]): BreakdownPart[] | undefined {
    if (property === 'goal') return undefined;
    const sel = this.#select(filters, goals);
    if (!sel) return undefined;
    let ef = sel.eventFilter;
    const eventLevel = levelOf(property) === 'event';
    // One event's props (the links and downloads cards) are groups of their own, per event name.
    const name = ef?.property === 'event' && property.startsWith('prop:') ? this.#onlyValue(filters, 'event') : undefined;
    const grouped = name === undefined ? property : eventPropProperty(property, name);
    if (name !== undefined) ef = undefined;
    // A page filter with an event breakdown asks which events fired on the page: a cross the
    // visits' state does not keep.
    else if (eventLevel && ef && ef.property !== property) return undefined;
    const parts = new Map<number, BreakdownPart & { lastVisitor: number }>();
    const add = (gid: number, visitor: number, pageviews: number, events: number) => {
      let p = parts.get(gid);
      if (!p)
        parts.set(gid, (p = { value: this.#groupList[gid]!.value, visitors: 0, visits: 0, pageviews: 0, events: 0, engagedMs: 0, scrollSum: 0, scrollCount: 0, lastVisitor: -1 }));
      if (p.lastVisitor !== visitor) p.visitors++;
      p.lastVisitor = visitor;
      p.visits++;
      p.pageviews += pageviews;
      p.events += events;
    };
    const vi = this.#v.ints;
    const { a: groupOf, b: cellViews, c: cellEvents, x: cellEngaged, next } = this.#members;
    for (let i = 0; i < sel.length; i++) {
      const v = sel.visit[i]!;
      if (!sel.matched[i]) continue;
      if (!eventLevel) {
        const gid = this.#visitValue(v, property);
        if (gid >= 0) add(gid, sel.visitor[i]!, sel.pageviews[i]!, sel.events[i]!);
        continue;
      }
      for (let c = vi.groups[v]!; c >= 0; c = next[c]!) {
        const gid = groupOf[c]!;
        if (this.#groupList[gid]!.property !== grouped || (ef && !ef.ids.has(gid))) continue;
        add(gid, sel.visitor[i]!, cellViews[c]!, cellEvents[c]!);
      }
    }
    // Engagement reports count on pages the answer shows, from every visit the visit-level
    // filters pass (a page filter keeps only its pages' reports; other event filters none).
    if (property === 'page' && (!ef || ef.property === 'page')) {
      const byValue = new Map([...parts.values()].map((p) => [p.value, p]));
      const shown = (path: string) => {
        const p = byValue.get(path);
        return p && (!ef || ef.ids.has(this.#groups.get('page')!.get(path)!.id)) ? p : undefined;
      };
      const place = (path: string, ms: number) => {
        const p = shown(path);
        if (p) p.engagedMs += ms;
      };
      for (const v of sel.visit.subarray(0, sel.length)) {
        for (let c = vi.scroll[v]!; c >= 0; c = this.#scroll.next[c]!) {
          const p = shown(this.#paths[this.#scroll.a[c]!]!);
          if (!p) continue;
          p.scrollSum += this.#scroll.b[c]!;
          p.scrollCount++;
        }
        for (let c = vi.groups[v]!; c >= 0; c = next[c]!) {
          const g = this.#groupList[groupOf[c]!]!;
          if (g.property === 'page' && cellEngaged[c]) place(g.value, cellEngaged[c]!);
        }
        for (const [path, ms] of this.#stray.get(v) ?? []) place(path, ms);
      }
    }
    return [...parts.values()].map(({ lastVisitor: _, ...part }) => part);
  }

  /** The one value a filter on `property` names, if the filters hold exactly that. */
  #onlyValue(filters: readonly Filter[], property: PropertyName): string | undefined {
    const f = filters.find((x) => x.property === property);
    return f?.values.length === 1 ? f.values[0] : undefined;
  }

  /** How many matched custom events carry each prop key under filters, or undefined (see #select). */
  filteredPropKeys(filters: readonly Filter[]): ReadonlyMap<string, number> | undefined {
    const sel = this.#select(filters);
    if (!sel) return undefined;
    const ef = sel.eventFilter;
    const name = ef?.property === 'event' ? this.#onlyValue(filters, 'event') : undefined;
    if (ef && name === undefined) return undefined;
    const suffix = name === undefined ? undefined : eventPropProperty('', name);
    const counts = new Map<string, number>();
    const vi = this.#v.ints;
    const { a: groupOf, c: cellEvents, next } = this.#members;
    for (let i = 0; i < sel.length; i++) {
      const v = sel.visit[i]!;
      if (!sel.matched[i]) continue;
      for (let c = vi.groups[v]!; c >= 0; c = next[c]!) {
        const property = this.#groupList[groupOf[c]!]!.property;
        if (!property.startsWith('prop:')) continue;
        const own = property.indexOf('\u001f') < 0;
        if (suffix === undefined ? !own : !property.endsWith(suffix)) continue;
        const key = property.slice(5, suffix === undefined ? undefined : property.length - suffix.length);
        counts.set(key, (counts.get(key) ?? 0) + cellEvents[c]!);
      }
    }
    return counts;
  }

  /** A filtered chart from the selected visits' activity; undefined with an event-level filter or off the slot grid. */
  filteredSeries(filters: readonly Filter[], pieces: readonly { start: number; end: number }[]): Pick<SeriesPoint, 'visitors' | 'visits' | 'pageviews'>[] | undefined {
    const sel = this.#select(filters);
    if (!sel || sel.eventFilter) return undefined;
    const chosen = new Uint8Array(this.#v.length);
    for (const v of sel.visit.subarray(0, sel.length)) chosen[v] = 1;
    return this.series(pieces, chosen);
  }

  /**
   * Visitors, visits and pageviews of the whole bucket within each of some disjoint, ordered
   * stretches; undefined if an edge is off the slot grid (the caller then reads raw events).
   */
  series(pieces: readonly { start: number; end: number }[], chosen?: Uint8Array): Pick<SeriesPoint, 'visitors' | 'visits' | 'pageviews'>[] | undefined {
    const edges: number[] = [];
    for (const p of pieces) {
      const a = (p.start - this.start) / LIVE_SLOT_MS;
      const b = (p.end - this.start) / LIVE_SLOT_MS;
      if (!Number.isInteger(a) || !(Number.isInteger(b) || p.end > this.latest)) return undefined;
      edges.push(a, Number.isInteger(b) ? b : Math.floor((this.latest - this.start) / LIVE_SLOT_MS) + 1);
    }
    // Slots seen in the bucket map to pieces once, not per visit.
    const pieceOfSlot = new Map<number, number>();
    const pieceOf = (slot: number): number => {
      let k = pieceOfSlot.get(slot);
      if (k !== undefined) return k;
      k = -1;
      for (let i = 0; i < pieces.length; i++) if (slot >= edges[2 * i]! && slot < edges[2 * i + 1]!) k = i;
      pieceOfSlot.set(slot, k);
      return k;
    };
    const visitors = new Int32Array(pieces.length);
    const visits = new Int32Array(pieces.length);
    const pageviews = new Float64Array(pieces.length);
    const seenByVisitor = new Int32Array(pieces.length).fill(-1);
    const seenByVisit = new Int32Array(pieces.length).fill(-1);
    const { head } = this.#visitors.ints;
    const { nextOfVisitor, slots } = this.#v.ints;
    const { a: slotOf, b: views, next } = this.#slots;
    for (let visitor = 0; visitor < this.#visitors.length; visitor++) {
      for (let v = head[visitor]!; v >= 0; v = nextOfVisitor[v]!) {
        if (chosen && !chosen[v]) continue;
        for (let c = slots[v]!; c >= 0; c = next[c]!) {
          const k = pieceOf(slotOf[c]!);
          if (k < 0) continue;
          if (seenByVisitor[k] !== visitor) {
            seenByVisitor[k] = visitor;
            visitors[k]!++;
          }
          if (seenByVisit[k] !== v) {
            seenByVisit[k] = v;
            visits[k]!++;
          }
          pageviews[k]! += views[c]!;
        }
      }
    }
    return pieces.map((_, k) => ({ visitors: visitors[k]!, visits: visits[k]!, pageviews: pageviews[k]! }));
  }
}

/** A live bucket as a span of time the planner can answer from it. */
export interface LiveSpan extends SealedBucket {
  readonly live: LiveBucket;
}

/** The open buckets' live rollups: usually one, two for a while after a rotation until the ended one is sealed. */
export class LiveRollups {
  readonly #buckets = new Map<number, LiveBucket>();
  /** Buckets older than this are not kept (see LiveFeed: they are sealed from disk). */
  floor = -Infinity;

  add(e: LiveEvent): void {
    // An event before its bucket's start exists only in hand-made data; raw reads answer it.
    if (e.bucket < this.floor || e.ts < e.bucket) return;
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
      const start = b.start;
      const end = all[i + 1]?.start ?? (b.latest < to ? to : Infinity);
      if (start >= from && end <= to && b.latest < end) out.push({ start, end, live: b });
    });
    return out;
  }
}

function difference(a: Contribution, b: Contribution): Contribution {
  return { pageviews: a.pageviews - b.pageviews, events: a.events - b.events, bounce: a.bounce - b.bounce, durationMs: a.durationMs - b.durationMs };
}

/** Adds a visit's contribution (or a change of it) to a group; pageviews and events only where the group holds the visit's. */
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
    property: g.property,
    value: g.value,
    visitors: g.visitors,
    visits: g.visits,
    pageviews: g.pageviews,
    events: g.events,
    bounces: g.bounces,
    visitPageviews: g.visitPageviews,
    durationMs: g.durationMs,
    engagedMs: g.engagedMs,
    scrollSum: g.scrollSum,
    scrollCount: g.scrollCount,
  };
}

function mapOf<K, V extends Map<unknown, unknown>>(outer: Map<K, V>, key: K): V {
  let inner = outer.get(key);
  if (!inner) outer.set(key, (inner = new Map() as V));
  return inner;
}
