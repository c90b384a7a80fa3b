// Goals: what a site counts as a conversion, defined in its configuration and applied at query
// time to events already stored (no new data, no migration, all history). `matchesGoal` is the one
// decision whether an event is a goal's conversion: the goal property and filter, every engine's
// raw answers and a funnel step all use it (ClickHouse says the same in SQL: store/clickhouse).
import type { EventRow } from '../model/events.ts';
import type { BreakdownRow, Filter, Goal, StatsQuery, Totals } from '../model/stats.ts';

/** At most this many goals: each is a column of work in every goal question. */
export const MAX_GOALS = 50;
/** The collector's limits for an event name and a prop key (collect/validate.ts): a goal asking for more could never match. */
const NAME_CHARS = 120;
const PROP_KEY_CHARS = 300;
const PATTERN_CHARS = 2000;

/** What the `goals` setting allows, for error messages. */
export const GOALS_ALLOWED = `up to ${MAX_GOALS} goals, each a custom event name ("Signup"), { event: "Purchase", revenue: "amount" } (revenue: the prop holding a number), or { page: "/blog/**" } (a path pattern starting with /; * is one path segment, ** any number); no duplicates`;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** What a goal is called: the event's name, or `Visit <pattern>`. */
export function goalName(goal: { readonly event: string } | { readonly page: string }): string {
  return 'event' in goal ? goal.event : `Visit ${goal.page}`;
}

/**
 * The `goals` setting (code option, or FOOTFALL_GOALS as JSON) checked and named. Returns the
 * reason for the first bad entry instead of throwing, so options.ts names the setting.
 */
export function parseGoals(value: unknown): readonly Goal[] | { error: string } {
  if (!Array.isArray(value)) return { error: 'not an array' };
  if (value.length > MAX_GOALS) return { error: `${value.length} goals (at most ${MAX_GOALS})` };
  const goals: Goal[] = [];
  for (const [i, entry] of value.entries()) {
    const goal = parseGoal(entry);
    if (typeof goal === 'string') return { error: `goal ${i + 1} (${JSON.stringify(entry)}) ${goal}` };
    if (goals.some((g) => g.name === goal.name)) return { error: `goal ${i + 1} (${JSON.stringify(goal.name)}) is a duplicate` };
    goals.push(goal);
  }
  return goals;
}

function parseGoal(entry: unknown): Goal | string {
  if (typeof entry === 'string') entry = { event: entry };
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return 'is neither an event name nor an object';
  const { event, page, revenue, ...rest } = entry as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) return `has unknown key ${JSON.stringify(unknown[0])} (allowed: event, revenue, page)`;
  if (event !== undefined && page !== undefined) return 'names both an event and a page; one goal is one of them';
  if (event !== undefined) {
    if (typeof event !== 'string' || event.trim() === '' || [...event].length > NAME_CHARS || CONTROL.test(event)) {
      return `needs an event name of 1-${NAME_CHARS} characters without control characters`;
    }
    if (revenue === undefined) return { kind: 'event', name: event, event };
    if (typeof revenue !== 'string' || revenue === '' || [...revenue].length > PROP_KEY_CHARS || CONTROL.test(revenue)) {
      return `has a revenue that is not a prop name (a string of 1-${PROP_KEY_CHARS} characters)`;
    }
    return { kind: 'event', name: event, event, revenue };
  }
  if (page !== undefined) {
    if (revenue !== undefined) return 'has a revenue, which only event goals (their props) can carry';
    const problem = typeof page === 'string' ? patternProblem(page) : 'needs a path pattern';
    if (problem) return problem;
    return { kind: 'page', name: goalName({ page: page as string }), page: page as string };
  }
  return 'names neither an event nor a page';
}

function patternProblem(pattern: string): string | undefined {
  if (!pattern.startsWith('/') || pattern.length > PATTERN_CHARS || /[\s?#]/.test(pattern) || CONTROL.test(pattern)) {
    return `needs a path pattern starting with / (at most ${PATTERN_CHARS} characters, no spaces, query or fragment)`;
  }
  for (const segment of pattern.split('/')) {
    if (segment.includes('*') && segment !== '*' && segment !== '**') return `has ${JSON.stringify(segment)}: * and ** stand for whole path segments only`;
  }
  return undefined;
}

/**
 * A page pattern as a regular expression both JavaScript and ClickHouse (RE2) read alike: `*` is
 * one path segment, `**` any number of them (none included), literal text is literal. A trailing
 * slash never matters (`/about` and `/about/` are one page), except that `/` is only the root.
 */
export function patternRegex(pattern: string): string {
  const segments = pattern.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  if (segments.length === 0) return '^/$';
  const body = segments.map((s) => (s === '**' ? '(?:/[^/]+)*' : s === '*' ? '/[^/]+' : `/${s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')}`)).join('');
  return `^${body}/?$`;
}

const compiled = new Map<string, RegExp>();

function patternTest(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(pattern, (re = new RegExp(patternRegex(pattern))));
  }
  return re;
}

/** Whether an event is a conversion of the goal: the named custom event, or a pageview of a matching path. */
export function matchesGoal(goal: Goal, row: Pick<EventRow, 'kind' | 'name' | 'path'>): boolean {
  if (goal.kind === 'event') return row.kind === 'event' && row.name === goal.event;
  return row.kind === 'pageview' && patternTest(goal.page).test(row.path);
}

/** Numbers a revenue prop may hold: optional minus, digits, optional decimals (as the ClickHouse engine's SQL reads them). */
export const NUMERIC = /^-?[0-9]+(\.[0-9]+)?$/;
export const NUMERIC_SOURCE = '^-?[0-9]+(\\.[0-9]+)?$';

/** Whether conversions of the goal carry a revenue: an event goal naming its revenue prop. */
export function hasRevenue(goal: Goal): goal is Extract<Goal, { kind: 'event' }> & { readonly revenue: string } {
  return goal.kind === 'event' && goal.revenue !== undefined;
}

/** The revenue a conversion carries: its revenue prop, when that is a number; else none. */
export function revenueOf(goal: Goal, row: Pick<EventRow, 'props'>): number | undefined {
  if (!hasRevenue(goal)) return undefined;
  const value = row.props?.[goal.revenue];
  return value !== undefined && NUMERIC.test(value) ? Number(value) : undefined;
}

/** Revenue is shown in cents: sums of the same amounts in another order differ only below them. */
export function roundMoney(amount: number): number {
  return Math.round(amount * 100) / 100;
}

export function goalNamed(goals: readonly Goal[] | undefined, name: string): Goal | undefined {
  return goals?.find((g) => g.name === name);
}

/** The goals a `goal` filter names (unknown names match nothing). */
export function goalsOf(query: Pick<StatsQuery, 'goals'>, filter: Filter): Goal[] {
  return filter.values.flatMap((name) => goalNamed(query.goals, name) ?? []);
}

/**
 * The query with each goal filter that is exactly one event goal spelled as the `event` filter it
 * means (when no `event` filter is there already), so rollups answer it as they answer events.
 * Page goals stay goal filters: a pattern's visitors are no sum of its pages' rows.
 */
export function plainGoalFilters(query: StatsQuery): StatsQuery {
  if (!query.filters.some((f) => f.property === 'goal')) return query;
  let hasEvent = query.filters.some((f) => f.property === 'event');
  const filters = query.filters.map((f): Filter => {
    if (f.property !== 'goal' || f.values.length !== 1 || hasEvent) return f;
    const goal = goalNamed(query.goals, f.values[0]!);
    if (goal?.kind !== 'event') return f;
    hasEvent = true;
    return { property: 'event', values: [goal.event] };
  });
  return { ...query, filters };
}

/** The page goal a query is filtered by, when that is its only filter and the goal its only value. */
export function onlyPageGoal(query: StatsQuery): Goal | undefined {
  const [f] = query.filters;
  if (query.filters.length !== 1 || f!.property !== 'goal' || f!.values.length !== 1) return undefined;
  const goal = goalNamed(query.goals, f!.values[0]!);
  return goal?.kind === 'page' ? goal : undefined;
}

/** One goal's conversions as the API, the CSV export and the dashboard show them. */
export interface GoalConversion {
  /** The goal's name. */
  readonly value: string;
  /** Unique visitors with a conversion. */
  readonly visitors: number;
  readonly visits: number;
  /** Conversions: the goal's custom events, or its matching pageviews. */
  readonly events: number;
  /** Converting visitors per visitor of the view (its filters but the goal filter), in percent, one decimal. */
  readonly conversion_rate: number;
  /** Revenue goals: the sum of the numeric revenue values, and their average per conversion carrying one. */
  readonly revenue?: number;
  readonly average_revenue?: number;
}

/** The store questions goal conversions take (structural: stats/ sits below store/). */
export interface GoalQuestions {
  breakdown(query: StatsQuery, property: 'goal', limit: number): Promise<readonly BreakdownRow[]>;
  totals(query: StatsQuery): Promise<Totals>;
}

/**
 * Goal conversions of a view: the goal breakdown, and the view's visitors without its goal
 * filter as the conversion rate's base (a view filtered by a goal still says how many of all
 * its visitors converted). Empty when the site has no goals.
 */
export async function goalConversions(store: GoalQuestions, query: StatsQuery, limit: number): Promise<GoalConversion[]> {
  if (!query.goals?.length) return [];
  const base = { ...query, filters: query.filters.filter((f) => f.property !== 'goal') };
  const [rows, totals] = await Promise.all([store.breakdown(query, 'goal', limit), store.totals(base)]);
  return rows.map((row) => {
    const out: { -readonly [K in keyof GoalConversion]: GoalConversion[K] } = {
      value: row.value,
      visitors: row.visitors,
      visits: row.visits,
      events: row.pageviews + row.events,
      conversion_rate: totals.visitors ? Math.round((row.visitors / totals.visitors) * 1000) / 10 : 0,
    };
    if (row.revenue !== undefined) {
      out.revenue = row.revenue;
      out.average_revenue = row.revenue_events ? roundMoney(row.revenue / row.revenue_events) : 0;
    }
    return out;
  });
}

/** Why a `goal` filter or breakdown cannot be answered, for a 400; undefined when it can. */
export function goalProblem(goals: readonly Goal[] | undefined, name?: string): string | undefined {
  if (!goals?.length) return 'this site has no goals: set the goals option (or FOOTFALL_GOALS) to define them';
  if (name !== undefined && !goalNamed(goals, name)) return `unknown goal ${JSON.stringify(name)}; goals: ${goals.map((g) => JSON.stringify(g.name)).join(', ')}`;
  return undefined;
}
