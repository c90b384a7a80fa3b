import { addPageEngagement, analyse, Group } from './compute.ts';
import type { EventRow } from '../model/events.ts';
import { PROPERTIES, type PropertyName, type Totals } from '../model/stats.ts';

/**
 * One rollup row: the totals of one closed rotation bucket, either for all traffic
 * (property '' and value '') or restricted to one property value: exactly what
 * `totalsOf` would answer for that bucket with the filter `property:value`. Visitor hashes of
 * different buckets never collide, so summing rows over buckets is exact, visitors included.
 */
export interface RollupRow extends Totals {
  readonly property: string;
  readonly value: string;
  /** Engaged time on the page (page rows), for time on page. */
  readonly engagedMs: number;
  /** Sum and count of each visit's deepest scroll depth on the page (page rows), for scroll depth. */
  readonly scrollSum: number;
  readonly scrollCount: number;
}

/** Every rollup row of one bucket's events, in one pass per property. */
export function rollupBucket(rows: readonly EventRow[]): RollupRow[] {
  const a = analyse(rows, { from: -Infinity, to: Infinity, filters: [] });
  const out: RollupRow[] = [];
  const finish = (property: string, value: string, g: Group) => {
    out.push({ property, value, engagedMs: g.engagedMs, ...g.scrollSums(), ...g.totals(a.states) });
  };

  const all = new Group();
  for (const row of a.matched) all.add(row);
  finish('', '', all);

  const propKeys = new Set<string>();
  for (const row of a.matched) if (row.kind === 'event' && row.props) for (const k of Object.keys(row.props)) propKeys.add(k);
  // Goals are the site's current configuration, applied at query time: no rollup rows of their own.
  const properties: PropertyName[] = [...PROPERTIES.filter((p) => p !== 'goal'), ...[...propKeys].map((k) => `prop:${k}` as const)];
  for (const property of properties) {
    const groups = new Map<string, Group>();
    for (const row of a.matched) {
      const value = a.valueOf(row, property);
      if (value === undefined) continue;
      let g = groups.get(value);
      if (!g) groups.set(value, (g = new Group()));
      g.add(row);
    }
    if (property === 'page') addPageEngagement(a, groups);
    for (const [value, g] of groups) finish(property, value, g);
  }

  // A custom event's props, per event name: what a props breakdown filtered by one event asks
  // (the dashboard's event card, outbound links and downloads), answered without raw events.
  const byEventProp = new Map<string, Group>();
  for (const row of a.matched) {
    if (row.kind !== 'event' || !row.props || row.name === undefined) continue;
    for (const [key, value] of Object.entries(row.props)) {
      const id = `${eventPropProperty(`prop:${key}`, row.name)}\u0000${value}`;
      let g = byEventProp.get(id);
      if (!g) byEventProp.set(id, (g = new Group()));
      g.add(row);
    }
  }
  for (const [id, g] of byEventProp) {
    const cut = id.indexOf('\u0000');
    finish(id.slice(0, cut), id.slice(cut + 1), g);
  }
  return out;
}

/**
 * The rollup property of `prop:<key>` restricted to the events named `event`. U+001F separates
 * them: validation rejects control characters in prop keys and event names, so no real property
 * can collide, and unlike NUL it survives SQLite's text columns.
 */
export function eventPropProperty(property: string, event: string): string {
  return `${property}\u001fevent:${event}`;
}
