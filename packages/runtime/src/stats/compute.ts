import { goalsOf, hasRevenue, matchesGoal, revenueOf, roundMoney } from './goals.ts';
import { levelOf, visitAttribute } from './query.ts';
import type { EventRow, Visit } from '../model/events.ts';
import { DIRECT, type BreakdownRow, type Goal, type Interval, type PropertyName, type SeriesPoint, type StatsQuery, type Totals } from '../model/stats.ts';

/**
 * The metric definitions, written once. Every engine that keeps raw events answers through these
 * functions, so "a visit", "a bounce" and "visit duration" mean one thing everywhere:
 * - visitor: a distinct visitor hash;
 * - visit: a session id within one rotation bucket (a stored Visit);
 * - bounce: a visit with one pageview and no custom event;
 * - duration: first to last pageview/event, plus the engaged time reported after the last pageview.
 * Event-level filters (page, event, prop:*) select events; visit-level filters (source, country,
 * entry_page, ...) select whole visits. Visit metrics always use the visit's events in range.
 */

/** Totals of disjoint parts (different buckets) add up field by field, visitors included. */
export function addTotals(a: Totals, b: Totals): Totals {
  return {
    visitors: a.visitors + b.visitors,
    visits: a.visits + b.visits,
    pageviews: a.pageviews + b.pageviews,
    events: a.events + b.events,
    bounces: a.bounces + b.bounces,
    visitPageviews: a.visitPageviews + b.visitPageviews,
    durationMs: a.durationMs + b.durationMs,
  };
}

export interface VisitState {
  readonly visit: Visit;
  pageviews: number;
  events: number;
  first: number;
  last: number;
  lastPageview: number;
  firstPageview: number;
  entry?: string;
  exit?: string;
  engagements: EventRow[];
}

export class Analysis {
  readonly states = new Map<number, VisitState>();
  readonly matched: EventRow[] = [];
  readonly matchedEngagements: EventRow[] = [];

  /** The query's goals: what a goal breakdown counts. */
  readonly goals: StatsQuery['goals'];

  constructor(rows: readonly EventRow[], query: StatsQuery) {
    this.goals = query.goals;
    const inRange = rows.filter((r) => r.ts >= query.from && r.ts < query.to);
    for (const row of inRange) this.#accumulate(row);
    const visitFilters = query.filters.filter((f) => levelOf(f.property) !== 'event');
    const eventFilters = query.filters.filter((f) => levelOf(f.property) === 'event' && f.property !== 'goal');
    // A goal filter is an event-level filter too: it keeps the events that are any of its goals' conversions.
    const goalFilters = query.filters.filter((f) => f.property === 'goal').map((f) => goalsOf(query, f));
    for (const row of inRange) {
      const state = this.states.get(row.visit.key)!;
      if (state.pageviews + state.events === 0) continue;
      if (!visitFilters.every((f) => f.values.includes(visitValue(state, f.property) ?? ''))) continue;
      if (!eventFilters.every((f) => f.values.includes(eventValue(row, f.property) ?? ''))) continue;
      if (!goalFilters.every((goals) => goals.some((g) => matchesGoal(g, row)))) continue;
      (row.kind === 'engagement' ? this.matchedEngagements : this.matched).push(row);
    }
  }

  #accumulate(row: EventRow): void {
    let s = this.states.get(row.visit.key);
    if (!s) {
      s = { visit: row.visit, pageviews: 0, events: 0, first: Infinity, last: -Infinity, firstPageview: Infinity, lastPageview: -Infinity, engagements: [] };
      this.states.set(row.visit.key, s);
    }
    if (row.kind === 'engagement') {
      s.engagements.push(row);
      return;
    }
    s.first = Math.min(s.first, row.ts);
    s.last = Math.max(s.last, row.ts);
    if (row.kind === 'event') {
      s.events++;
      return;
    }
    s.pageviews++;
    // Rows arrive in storage order; ties keep the first stored as entry and the last as exit.
    if (row.ts < s.firstPageview) {
      s.firstPageview = row.ts;
      s.entry = row.path;
    }
    if (row.ts >= s.lastPageview) {
      s.lastPageview = row.ts;
      s.exit = row.path;
    }
  }

  /** A row's value for a property: its own (page, event, prop) or its visit's. Not for `goal`, which has several (see breakdownPartsOf). */
  valueOf(row: EventRow, property: PropertyName): string | undefined {
    return levelOf(property) === 'event' ? eventValue(row, property) : visitValue(this.states.get(row.visit.key)!, property);
  }
}

export function visitDuration(s: VisitState): number {
  let tail = 0;
  for (const e of s.engagements) if (e.ts >= s.lastPageview) tail += e.engaged ?? 0;
  return s.last - s.first + tail;
}

/** A bounce: a visit with one pageview and no custom event. */
export function isBounce(s: VisitState): boolean {
  return s.pageviews === 1 && s.events === 0;
}

/**
 * The matched rows of one group (all traffic, one property value, one chart interval) and what
 * the metric definitions make of them. Totals, breakdowns, charts and rollups all count through
 * this one accumulator.
 */
export class Group {
  readonly visitors = new Set<string>();
  readonly visits = new Set<number>();
  pageviews = 0;
  events = 0;
  /** Engaged time reported on the group's pages (page groups), for time on page. */
  engagedMs = 0;
  /** Page groups: each visit's deepest scroll depth reported on the page (made on the first report). */
  scroll: Map<number, number> | undefined;

  add(row: EventRow): void {
    this.visitors.add(row.visit.visitor);
    this.visits.add(row.visit.key);
    // A page's events are the custom events fired on it; its pageviews are its own views.
    if (row.kind === 'pageview') this.pageviews++;
    else this.events++;
  }

  /** Totals of the group's visits, each visit measured whole (its events in range). */
  totals(states: ReadonlyMap<number, VisitState>): Totals {
    const totals: Totals = { visitors: this.visitors.size, visits: this.visits.size, pageviews: this.pageviews, events: this.events, bounces: 0, visitPageviews: 0, durationMs: 0 };
    for (const key of this.visits) {
      const s = states.get(key)!;
      totals.visitPageviews += s.pageviews;
      totals.durationMs += visitDuration(s);
      if (isBounce(s)) totals.bounces++;
    }
    return totals;
  }

  /** The sum and count of the visits' deepest scroll depths on the page: exact parts to add up. */
  scrollSums(): { scrollSum: number; scrollCount: number } {
    let scrollSum = 0;
    for (const depth of this.scroll?.values() ?? []) scrollSum += depth;
    return { scrollSum, scrollCount: this.scroll?.size ?? 0 };
  }

  part(value: string): BreakdownPart {
    return { value, visitors: this.visitors.size, visits: this.visits.size, pageviews: this.pageviews, events: this.events, engagedMs: this.engagedMs, ...this.scrollSums() };
  }
}

/** A goal's conversions: a Group plus the revenue they carried. */
class GoalGroup extends Group {
  revenue = 0;
  revenueEvents = 0;

  override part(value: string): BreakdownPart {
    return { ...super.part(value), revenue: this.revenue, revenueEvents: this.revenueEvents };
  }
}

function visitValue(s: VisitState, property: PropertyName): string | undefined {
  if (property === 'entry_page') return s.entry;
  if (property === 'exit_page') return s.exit;
  const value = s.visit[visitAttribute(property)];
  return value ?? (property === 'source' ? DIRECT : undefined);
}

function eventValue(row: EventRow, property: PropertyName): string | undefined {
  if (property === 'page') return row.path;
  if (property === 'event') return row.kind === 'event' ? row.name : undefined;
  if (property.startsWith('prop:')) return row.kind === 'event' ? row.props?.[property.slice(5)] : undefined;
  return undefined;
}

export function analyse(rows: readonly EventRow[], query: StatsQuery): Analysis {
  return new Analysis(rows, query);
}

export function totalsOf(a: Analysis): Totals {
  const all = new Group();
  for (const row of a.matched) all.add(row);
  return all.totals(a.states);
}

/** Totals of one goal's conversions among an analysis' matched rows: a filter by that goal, answered. */
export function goalTotals(a: Analysis, goal: Goal): Totals {
  const g = new Group();
  for (const row of a.matched) if (matchesGoal(goal, row)) g.add(row);
  return g.totals(a.states);
}

export function timeseriesOf(a: Analysis, intervals: readonly Interval[]): SeriesPoint[] {
  const buckets = intervals.map(() => new Group());
  const starts = intervals.map((i) => i.start);
  for (const row of a.matched) {
    const i = intervalIndex(starts, row.ts);
    const b = buckets[i];
    if (!b || row.ts >= intervals[i]!.end) continue;
    b.add(row);
  }
  return intervals.map((interval, i) => ({
    date: interval.label,
    visitors: buckets[i]!.visitors.size,
    visits: buckets[i]!.visits.size,
    pageviews: buckets[i]!.pageviews,
  }));
}

/** Index of the last interval starting at or before ts (binary search), -1 if none. */
function intervalIndex(starts: readonly number[], ts: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= ts) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** A breakdown row before ranking, with raw engaged time so partial answers can be summed. */
export interface BreakdownPart {
  value: string;
  visitors: number;
  visits: number;
  pageviews: number;
  events: number;
  engagedMs: number;
  /** Sum and count of the deepest scroll depth each visit reported on the page (page breakdowns). */
  scrollSum: number;
  scrollCount: number;
  /** Goal parts of revenue goals: the sum of the numeric revenue props, and how many there were. */
  revenue?: number;
  revenueEvents?: number;
}

export function breakdownPartsOf(a: Analysis, property: PropertyName): BreakdownPart[] {
  if (property === 'goal') return goalPartsOf(a);
  const groups = new Map<string, Group>();
  for (const row of a.matched) {
    const value = a.valueOf(row, property);
    if (value === undefined) continue;
    let g = groups.get(value);
    if (!g) groups.set(value, (g = new Group()));
    g.add(row);
  }
  if (property === 'page') addPageEngagement(a, groups);
  return [...groups].map(([value, g]) => g.part(value));
}

/**
 * One part per goal with a conversion among the matched rows: an event counts in every goal it
 * matches (a path may match two patterns). Revenue goals add up their numeric revenue props.
 */
function goalPartsOf(a: Analysis): BreakdownPart[] {
  const goals = a.goals ?? [];
  const groups = goals.map((goal) => (hasRevenue(goal) ? new GoalGroup() : new Group()));
  for (const row of a.matched) {
    for (const [i, goal] of goals.entries()) {
      if (!matchesGoal(goal, row)) continue;
      const g = groups[i]!;
      g.add(row);
      const revenue = revenueOf(goal, row);
      if (revenue !== undefined && g instanceof GoalGroup) {
        g.revenue += revenue;
        g.revenueEvents++;
      }
    }
  }
  return goals.flatMap((goal, i) => (groups[i]!.visits.size ? [groups[i]!.part(goal.name)] : []));
}

/**
 * Engaged time belongs to the page it was reported on, when that page's group exists; so does
 * scroll depth, of which a page keeps each visit's deepest report (reports of one view only grow,
 * and a visit viewing the page again counts once, at its deepest).
 */
export function addPageEngagement(a: Analysis, pages: ReadonlyMap<string, Group>): void {
  for (const row of a.matchedEngagements) {
    const g = pages.get(row.path);
    if (!g) continue;
    g.engagedMs += row.engaged ?? 0;
    if (row.scroll === undefined) continue;
    g.scroll ??= new Map();
    g.scroll.set(row.visit.key, Math.max(g.scroll.get(row.visit.key) ?? 0, row.scroll));
  }
}

/** Average deepest scroll depth, a whole percentage; null where no view reported one. */
export function scrollDepth(sum: number, count: number): number | null {
  return count ? Math.round(sum / count) : null;
}

/** Orders parts the way every breakdown is ordered, and shapes them for the API. */
export function rankBreakdown(parts: readonly BreakdownPart[], property: PropertyName, limit: number): BreakdownRow[] {
  const result: BreakdownRow[] = parts.map((p) => {
    const out: BreakdownRow = { value: p.value, visitors: p.visitors, visits: p.visits, pageviews: p.pageviews, events: p.events };
    if (property === 'page') {
      out.time_on_page = p.pageviews ? Math.round(p.engagedMs / p.pageviews / 1000) : 0;
      out.scroll_depth = scrollDepth(p.scrollSum, p.scrollCount);
    }
    if (p.revenue !== undefined) {
      out.revenue = roundMoney(p.revenue);
      out.revenue_events = p.revenueEvents ?? 0;
    }
    return out;
  });
  result.sort((x, y) => y.visitors - x.visitors || y.pageviews - x.pageviews || y.events - x.events || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
  return result.slice(0, limit);
}

/**
 * How many matched custom events carry each prop key: ranked by `rankPropKeys`, most used first
 * (ties by name), so a dashboard can offer a `prop:<key>` breakdown per key without knowing the
 * site's events.
 */
export function propKeyCountsOf(analysis: Analysis): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of analysis.matched) {
    if (row.kind !== 'event' || !row.props) continue;
    for (const key of Object.keys(row.props)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export function rankPropKeys(counts: ReadonlyMap<string, number>, limit: number): string[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([key]) => key);
}

export function computeRealtime(rows: readonly EventRow[], since: number): number {
  const visitors = new Set<string>();
  for (const row of rows) if (row.ts >= since) visitors.add(row.visit.visitor);
  return visitors.size;
}
