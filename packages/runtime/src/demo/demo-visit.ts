import { ADDRESSES, DOWNLOADS, EVENTS, OUTBOUND, PAGES, SOURCES, USER_AGENTS, type AddressPool, type Weighted } from './demo-catalog.ts';

/** A seeded generator (mulberry32), so a demo data set is the same on every run and machine. */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Exponentially distributed, with this mean: think times, engaged time, pages per visit. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  oneOf<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  pick<T>(items: Weighted<T>): T {
    let r = this.next() * items.reduce((sum, [, w]) => sum + w, 0);
    for (const [item, w] of items) if ((r -= w) < 0) return item;
    return items.at(-1)![0];
  }

  id(): string {
    return Array.from({ length: 16 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[this.int(36)]).join('');
  }
}

/** One beacon as the tracker would send it, at the moment the collector should see it. */
export interface PlannedRequest {
  readonly ts: number;
  readonly body: Record<string, unknown>;
}

export interface PlannedVisit {
  readonly ip: string;
  readonly userAgent: string;
  readonly requests: PlannedRequest[];
}

function address(rnd: Random, pool: AddressPool): string {
  const host = pool.first + rnd.int(pool.count);
  return pool.kind === 'v4' ? `${pool.prefix}.${host}` : `${pool.prefix}::${host.toString(16)}`;
}

/**
 * One visit in the tracker's beacon format: a landing pageview with its referrer and campaign
 * tags, a few more pages (or a bounce), engaged time per page, maybe custom events, an outbound
 * click or a download. Beacons are in time order: the first one decides the visit's source.
 */
export function planVisit(rnd: Random, start: number, origin: string): PlannedVisit {
  const source = rnd.pick(SOURCES);
  const session = rnd.id();
  const views = rnd.chance(0.42) ? 1 : Math.min(12, 2 + Math.floor(rnd.exp(1.6)));
  const linkAt = rnd.chance(0.16) ? rnd.int(views) : -1;
  const fired = new Set<string>();
  const requests: PlannedRequest[] = [];
  let path = source.landing && rnd.chance(0.7) ? rnd.oneOf(source.landing) : rnd.pick(PAGES);
  let referrer = source.referrer;
  let t = start;
  for (let i = 0; i < views; i++) {
    const u = `${origin}${path}${i === 0 && source.utm ? `?${source.utm}` : ''}`;
    const during = (length: number) => t + 1 + rnd.int(length - 1);
    requests.push({ ts: t, body: { k: 'p', u, s: session, ...(referrer ? { r: referrer } : {}) } });
    const engaged = Math.round(1000 * (4 + rnd.exp(i === views - 1 ? 35 : 70)));
    for (const event of EVENTS) {
      if (fired.has(event.name) || (event.pages && !event.pages.test(path)) || !rnd.chance(event.chance)) continue;
      fired.add(event.name);
      const props = Object.fromEntries(Object.entries(event.props).map(([key, values]) => [key, rnd.pick(values)]));
      requests.push({ ts: during(engaged), body: { k: 'e', u, s: session, n: event.name, p: props } });
    }
    if (i === linkAt) {
      const h = rnd.chance(0.7) ? rnd.pick(OUTBOUND) : `${origin}${rnd.pick(DOWNLOADS)}`;
      requests.push({ ts: during(engaged), body: { k: 'l', u, s: session, h } });
    }
    // Scroll depth grows with the time spent (no draw of its own: the rest of the traffic stays as it was).
    const d = Math.min(1, Math.round(25 + engaged / 1200) / 100);
    requests.push({ ts: t + engaged, body: { k: 'g', u, s: session, g: engaged, d } });
    referrer = u;
    t += engaged + 1000 * (1 + rnd.int(20));
    let next = rnd.pick(PAGES);
    if (next === path) next = rnd.pick(PAGES);
    path = next;
  }
  requests.sort((a, b) => a.ts - b.ts);
  return { ip: address(rnd, rnd.pick(ADDRESSES)), userAgent: rnd.pick(USER_AGENTS), requests };
}
