import { AsyncLocalStorage } from 'node:async_hooks';
import type { Footfall } from '../footfall.ts';
import { localParts, startOfDay } from '../time/zone.ts';
import { bucketAt } from '../visitor/buckets.ts';
import { planVisit, Random, type PlannedVisit } from './demo-visit.ts';

const HOUR = 3_600_000;
/** Visits per local hour, 00:00 to 23:00: quiet nights, a working-day plateau, an evening bump. */
const HOURS = [2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 13, 13, 12, 13, 14, 14, 13, 12, 11, 12, 12, 9, 6, 3];

/**
 * The demo's hand-driven clock. Each beacon is sent inside `at(ts, ...)`: AsyncLocalStorage
 * gives that request its own "now", so many visits can be in flight at once (group commit makes
 * that fast) while every event still gets its planned time.
 */
export interface DemoClock {
  readonly now: () => number;
  set(ts: number): void;
  at<T>(ts: number, fn: () => Promise<T>): Promise<T>;
}

export function demoClock(start = Date.now()): DemoClock {
  const times = new AsyncLocalStorage<number>();
  let base = start;
  return {
    now: () => times.getStore() ?? base,
    set: (ts) => void (base = ts),
    at: (ts, fn) => times.run(ts, fn),
  };
}

export interface DemoTrafficOptions {
  /** Days of traffic, ending at `end` (default 60: the 30-day view has a full previous period). */
  days?: number;
  /** Visits on an average day (default 160). */
  visitsPerDay?: number;
  /** The last moment of traffic (default: the clock's time when called). */
  end?: number;
  seed?: number;
  /** The demo site's origin (default https://example.com). */
  origin?: string;
  /** Visits in flight at once (default 24). */
  concurrency?: number;
}

export interface DemoTrafficResult {
  visits: number;
  requests: number;
}

/** Visits of the whole range: growth over the weeks, quiet weekends, one day on a link aggregator. */
export function planTraffic(options: Required<Omit<DemoTrafficOptions, 'concurrency'>>, tz: string): { start: number; rnd: Random; visit: () => PlannedVisit }[] {
  const rnd = new Random(options.seed);
  const today = localParts(options.end, tz);
  const out: { start: number; rnd: Random; visit: () => PlannedVisit }[] = [];
  const add = (start: number) => {
    const own = new Random(rnd.int(2 ** 32));
    out.push({ start, rnd: own, visit: () => planVisit(own, start, options.origin) });
  };
  for (let d = options.days - 1; d >= 0; d--) {
    const dayStart = startOfDay(today.year, today.month, today.day - d, tz);
    const weekday = new Date(Date.UTC(today.year, today.month - 1, today.day - d)).getUTCDay();
    const trend = 0.7 + (0.5 * (options.days - d)) / options.days;
    const spike = d === Math.min(9, options.days - 1) ? 2.2 : 1;
    const count = Math.round(options.visitsPerDay * trend * spike * (weekday % 6 === 0 ? 0.6 : 1) * (0.85 + 0.3 * rnd.next()));
    for (let i = 0; i < count; i++) {
      const start = dayStart + rnd.pick(HOURS.map((weight, hour) => [hour, weight] as const)) * HOUR + rnd.int(HOUR);
      if (start < options.end - 10 * 60_000) add(start);
    }
  }
  // A few people on the site right now, for the realtime counter.
  for (let i = 0; i < 3 + rnd.int(4); i++) add(options.end - rnd.int(4 * 60_000));
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Fills a Footfall with realistic traffic sent THROUGH ITS COLLECTOR (validation, bot filter,
 * visitor hash, geolocation, UA parsing, privacy projection, group commit), bucket by bucket
 * so salts rotate as they would in production, then seals the past buckets' rollups.
 */
export async function sendDemoTraffic(ff: Footfall, clock: DemoClock, input: DemoTrafficOptions = {}): Promise<DemoTrafficResult> {
  const options = { days: 60, visitsPerDay: 160, end: clock.now(), seed: 20260310, origin: 'https://example.com', ...input };
  const { hashRotationHours, timezone, collectorBase } = ff.options;
  const byBucket = new Map<number, PlannedVisit[]>();
  for (const planned of planTraffic(options, timezone)) {
    const bucket = bucketAt(planned.start, hashRotationHours, timezone);
    const visit = planned.visit();
    // A visit never spans rotation buckets: in production the next salt starts a new visitor.
    const requests = visit.requests.filter((r) => r.ts < bucket.end && r.ts <= options.end);
    byBucket.set(bucket.start, [...(byBucket.get(bucket.start) ?? []), { ...visit, requests }]);
  }
  let requests = 0;
  const send = async (visit: PlannedVisit) => {
    for (const r of visit.requests) {
      const response = await clock.at(r.ts, () =>
        ff.fetch(
          new Request(`${options.origin}${collectorBase}/e`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': visit.userAgent },
            body: JSON.stringify(r.body),
          }),
          { clientAddress: visit.ip },
        ),
      );
      if (response.status !== 202) throw new Error(`@footfall/runtime demo: the collector answered ${response.status} ${await response.text()}`);
      requests++;
    }
  };
  // Buckets strictly in order: the collector destroys a bucket's salt once the next one starts.
  let visits = 0;
  for (const bucket of [...byBucket.keys()].sort((a, b) => a - b)) {
    const queue = byBucket.get(bucket)!;
    visits += queue.length;
    await Promise.all(
      Array.from({ length: input.concurrency ?? 24 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await send(next);
      }),
    );
  }
  clock.set(options.end);
  await ff.maintain();
  return { visits, requests };
}
