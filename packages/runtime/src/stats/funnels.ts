// Funnels: ordered goals a visit passes through, defined in the site's configuration beside the
// goals and applied at query time to events already stored (no new data, all history). A step is a
// goal (stats/goals.ts's matchesGoal decides whether an event reaches it). Every engine answers
// the same definition: `reachedSteps` here for SQLite and JSON (and the tests' oracle checks it
// another way), store/clickhouse/funnels.ts in SQL.
import { createHash } from 'node:crypto';
import { analyse } from './compute.ts';
import { csvLine } from './csv.ts';
import { goalNamed, matchesGoal, parseGoals } from './goals.ts';
import type { EventRow } from '../model/events.ts';
import type { Funnel, Goal, StatsQuery } from '../model/stats.ts';

export const MAX_FUNNELS = 20;
export const MIN_STEPS = 2;
export const MAX_STEPS = 8;
const NAME_CHARS = 120;

export type { Funnel } from '../model/stats.ts';

/** A funnel step as an owner writes it: a configured goal's name or an event name, `{ event }` or `{ page }`. */
export type FunnelStepInput = string | { readonly event: string } | { readonly page: string };
export interface FunnelInput {
  readonly name: string;
  readonly steps: readonly FunnelStepInput[];
}

/** What the `funnels` setting allows, for error messages. */
export const FUNNELS_ALLOWED = `up to ${MAX_FUNNELS} funnels, each { name: "Checkout", steps: [...] } with a unique name and ${MIN_STEPS} to ${MAX_STEPS} steps; a step is the name of a configured goal, a custom event name ("Signup"), { event: "Purchase" } or { page: "/pricing" } (a path pattern; * is one path segment, ** any number)`;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The `funnels` setting checked, its steps resolved against the site's goals: a string step is the
 * goal of that name when there is one (so "Visit /docs/**" names a page goal), else a custom event's
 * name. Returns the reason for the first bad entry instead of throwing, so options.ts names the setting.
 */
export function parseFunnels(value: unknown, goals: readonly Goal[] = []): readonly Funnel[] | { error: string } {
  if (!Array.isArray(value)) return { error: 'not an array' };
  if (value.length > MAX_FUNNELS) return { error: `${value.length} funnels (at most ${MAX_FUNNELS})` };
  const funnels: Funnel[] = [];
  for (const [i, entry] of value.entries()) {
    const funnel = parseFunnel(entry, goals);
    if (typeof funnel === 'string') return { error: `funnel ${i + 1} ${funnel}` };
    if (funnels.some((f) => f.name === funnel.name)) return { error: `funnel ${i + 1} (${JSON.stringify(funnel.name)}) is a duplicate name` };
    funnels.push(funnel);
  }
  return funnels;
}

function parseFunnel(entry: unknown, goals: readonly Goal[]): Funnel | string {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return `(${JSON.stringify(entry)}) is not an object { name, steps }`;
  const { name, steps, ...rest } = entry as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) return `has unknown key ${JSON.stringify(unknown[0])} (allowed: name, steps)`;
  if (typeof name !== 'string' || name.trim() === '' || [...name].length > NAME_CHARS || CONTROL.test(name)) {
    return `needs a name of 1-${NAME_CHARS} characters without control characters`;
  }
  const label = `(${JSON.stringify(name)})`;
  if (!Array.isArray(steps) || steps.length < MIN_STEPS || steps.length > MAX_STEPS) return `${label} needs ${MIN_STEPS} to ${MAX_STEPS} steps`;
  const parsed: Goal[] = [];
  for (const [k, step] of steps.entries()) {
    if (typeof step === 'string' && goalNamed(goals, step)) {
      parsed.push(goalNamed(goals, step)!);
      continue;
    }
    if (step !== null && typeof step === 'object' && 'revenue' in step) return `${label} step ${k + 1} has a revenue, which only goals carry`;
    const one = parseGoals([step]);
    if ('error' in one) return `${label} step ${k + 1} ${one.error.replace(/^goal 1 /, '')}`;
    parsed.push(one[0]!);
  }
  return { name, steps: parsed };
}

export function funnelNamed(funnels: readonly Funnel[] | undefined, name: string): Funnel | undefined {
  return funnels?.find((f) => f.name === name);
}

/** Why a funnel question cannot be answered, for a 400; undefined when it can. */
export function funnelProblem(funnels: readonly Funnel[] | undefined, name: string | null): string | undefined {
  if (!funnels?.length) return 'this site has no funnels: set the funnels option (or FOOTFALL_FUNNELS) to define them';
  const list = funnels.map((f) => JSON.stringify(f.name)).join(', ');
  if (name === null || name === '') return `name: which funnel? funnels: ${list}`;
  if (!funnelNamed(funnels, name)) return `name: unknown funnel ${JSON.stringify(name)}; funnels: ${list}`;
  return undefined;
}

/**
 * A hash of what a funnel's steps match (not its name): kept counts are filed under it, so a
 * funnel whose steps change never reads counts of its old definition.
 */
export function stepsKey(steps: readonly Goal[]): string {
  const canonical = steps.map((g) => (g.kind === 'event' ? ['e', g.event] : ['p', g.page]));
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 32);
}

/**
 * How many steps of the funnel one visit reached: its events (pageviews and custom events, any
 * order of arrival) in time order match step 1, then, strictly later, step 2, and so on; events
 * in between do not matter. Taking each step's earliest match after the previous one is optimal:
 * any later choice leaves fewer events for the steps after it.
 */
export function stepsReached(steps: readonly Goal[], events: readonly Pick<EventRow, 'ts' | 'kind' | 'name' | 'path'>[]): number {
  let after = -Infinity;
  for (const [k, step] of steps.entries()) {
    let at = Infinity;
    for (const e of events) if (e.ts > after && e.ts < at && matchesGoal(step, e)) at = e.ts;
    if (at === Infinity) return k;
    after = at;
  }
  return steps.length;
}

/**
 * Per step, the visitors of one part of a range (whole buckets, or any stretch whose visits lie
 * in it) with a visit that reached it. Visits are the query's (its visit-level filters, and for
 * event-level filters the visits with a matching event), each with its events in range.
 */
export function funnelCountsOf(rows: readonly EventRow[], query: StatsQuery, steps: readonly Goal[]): number[] {
  let selected: Set<number> | undefined;
  if (query.filters.length) selected = new Set(analyse(rows, query).matched.map((r) => r.visit.key));
  const visits = new Map<number, EventRow[]>();
  for (const row of rows) {
    if (row.ts < query.from || row.ts >= query.to || row.kind === 'engagement') continue;
    if (selected && !selected.has(row.visit.key)) continue;
    let list = visits.get(row.visit.key);
    if (!list) visits.set(row.visit.key, (list = []));
    list.push(row);
  }
  const best = new Map<string, number>();
  for (const events of visits.values()) {
    const visitor = events[0]!.visit.visitor;
    const reached = stepsReached(steps, events);
    if (reached > (best.get(visitor) ?? 0)) best.set(visitor, reached);
  }
  const counts = steps.map(() => 0);
  for (const reached of best.values()) for (let k = 0; k < reached; k++) counts[k]!++;
  return counts;
}

/** Step counts of disjoint parts add up (a visitor hash never repeats across buckets). */
export function addCounts(a: readonly number[], b: readonly number[]): number[] {
  return a.map((n, k) => n + (b[k] ?? 0));
}

/** One step of a funnel's answer. */
export interface FunnelStep {
  /** The step's goal name: an event name, or `Visit <pattern>`. */
  readonly name: string;
  /** Visitors with a visit that reached this step in order. */
  readonly visitors: number;
  /** Per visitor who entered (reached step 1), in percent, one decimal. */
  readonly conversion_rate: number;
  /** Visitors lost since the previous step (0 for the first), and in percent of the previous step. */
  readonly dropoff: number;
  readonly dropoff_rate: number;
}

export interface FunnelAnswer {
  readonly name: string;
  /** Visitors who reached the first step. */
  readonly entered: number;
  readonly steps: readonly FunnelStep[];
}

const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : 0);

/** A funnel's answer from its per-step visitor counts. */
export function funnelAnswer(funnel: Funnel, counts: readonly number[]): FunnelAnswer {
  const entered = counts[0] ?? 0;
  return {
    name: funnel.name,
    entered,
    steps: funnel.steps.map((step, k) => {
      const visitors = counts[k] ?? 0;
      const previous = k === 0 ? visitors : (counts[k - 1] ?? 0);
      return { name: step.name, visitors, conversion_rate: percent(visitors, entered), dropoff: previous - visitors, dropoff_rate: percent(previous - visitors, previous) };
    }),
  };
}

/** The store question a funnel takes (structural: stats/ sits below store/). */
export interface FunnelQuestions {
  funnel(query: StatsQuery, steps: readonly Goal[]): Promise<number[]>;
}

export async function answerFunnel(store: FunnelQuestions, query: StatsQuery, funnel: Funnel): Promise<FunnelAnswer> {
  return funnelAnswer(funnel, await store.funnel(query, funnel.steps));
}

/**
 * The CSV export's funnel rows, one per step: section `funnel`, value `<funnel> / <k>. <step>`,
 * its visitors and its conversion rate from the first step (drop-off follows from the rows).
 */
export async function funnelCsvRows(store: FunnelQuestions, query: StatsQuery, funnels: readonly Funnel[] | undefined): Promise<string> {
  let out = '';
  for (const funnel of funnels ?? []) {
    const answer = await answerFunnel(store, query, funnel);
    for (const [k, step] of answer.steps.entries())
      out += csvLine(['funnel', `${funnel.name} / ${k + 1}. ${step.name}`, step.visitors, '', '', '', '', '', '', '', step.conversion_rate, '', '']);
  }
  return out;
}

/** The privacy statement's words on funnels: they add no data. */
export function funnelsFact(funnels: readonly Funnel[]): string {
  return `Funnels (${funnels.map((f) => f.name).join(', ')}) are computed from the event names and page addresses already stored, in the time order of each visit's events; nothing more is collected for them.`;
}
