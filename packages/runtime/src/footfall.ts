import { join } from 'node:path';
import { BODY_TIMEOUT_MS } from './collect/body.ts';
import { collect, type CollectInput, type CollectResult } from './collect/collector.ts';
import { collectRequest } from './collect/web.ts';
import { dashboardUrls, type TrailingSlash } from './dashboard/urls.ts';
import { openGeolocation, type GeoLookup } from './enrich/geo.ts';
import { routeDashboard } from './http/dashboard-routes.ts';
import { ownsPath, pathOf, underBase } from './http/request-path.ts';
import { html, json, problem } from './http/responses.ts';
import { isResolved, resolveOptions, type FootfallOptions, type ResolvedOptions } from './options.ts';
import { privacyFacts, privacyPage } from './privacy/statement.ts';
import { openStore } from './store/engines.ts';
import type { Store } from './store/types.ts';
import { BatchWriter } from './store/writer.ts';
import { trackerFor } from './tracker.ts';
import { bucketAt } from './visitor/buckets.ts';
import { SaltKeeper } from './visitor/salt-keeper.ts';
import { ServerVisits } from './visitor/server-visits.ts';
import { PasswordThrottle } from './http/password-throttle.ts';
import { RevokedSessions } from './http/revoked-sessions.ts';
import { throttledLog } from './throttled-log.ts';

export interface FootfallContext {
  /** Dev servers (`astro dev`, `vite dev`) open the dashboard without a password. */
  dev?: boolean;
  /**
   * How the host spells URLs (Astro's `trailingSlash`): every address the dashboard writes follows
   * it. Requests are routed either way. Default `ignore`: no trailing slash.
   */
  trailingSlash?: TrailingSlash;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Clock, for tests. */
  now?: () => number;
  /** Replaces the store the options would open (tests, custom engines). */
  store?: Store;
  geo?: GeoLookup;
  log?: (message: string) => void;
  /** Run rotation and retention on timers (default true). Tests call maintain() instead. */
  timers?: boolean;
  /** How long a request body may take to arrive (default BODY_TIMEOUT_MS, 10 s); tests shorten it. */
  bodyTimeoutMs?: number;
}

export interface RequestInfo {
  /** The TCP peer's address; X-Forwarded-For is read only through trusted proxies. */
  clientAddress?: string | undefined;
}

/** A running Footfall: a web-standard handler plus its lifecycle. */
export interface Footfall {
  readonly options: ResolvedOptions;
  readonly store: Store;
  /** Whether a path belongs to Footfall (collector or dashboard), for middleware `next()`. */
  matches(pathname: string): boolean;
  fetch(request: Request, info?: RequestInfo): Promise<Response>;
  /** The collector without Request/Response, for adapters that read the body themselves. */
  collect(input: CollectInput): Promise<CollectResult>;
  /** The collector's path (`<collectorBase>/e`). */
  readonly collectorPath: string;
  /** How long a request body may take to arrive before it is answered 408 and cut off. */
  readonly bodyTimeoutMs: number;
  /** The tracker script configured for these options, to inline in pages. */
  tracker(): string;
  /** Destroys ended salts and applies retention; runs on timers unless `timers: false`. */
  maintain(): Promise<void>;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

export async function createFootfall(input: FootfallOptions | ResolvedOptions = {}, context: FootfallContext = {}): Promise<Footfall> {
  const options = isResolved(input) ? input : resolveOptions(input, context.env, context.cwd);
  const now = context.now ?? Date.now;
  const log = context.log ?? ((m: string) => console.warn(m));
  const dev = context.dev ?? false;
  const geolocation = context.geo ? { lookup: context.geo, database: 'a lookup given by the host', precision: 'city' as const } : await openGeolocation(options.geoDb, log);
  const geo = geolocation.lookup;
  const store = context.store ?? (await openStore(options));
  const salts = new SaltKeeper(store, options.hashRotationHours, options.timezone);
  const writer = new BatchWriter(store);
  const warn = throttledLog(log, now);
  const collector = { options, salts, writer, geo, visits: new ServerVisits(), now, warn };
  const stats = { store, timezone: options.timezone, now, goals: options.goals, funnels: options.funnels };
  const throttle = new PasswordThrottle();
  // Beside the store's files when Footfall opened the store itself; a custom store may have no directory.
  const revoked = new RevokedSessions(context.store ? undefined : join(options.dataDir, 'revoked-sessions'));
  const bodyTimeoutMs = context.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  const privacy = privacyFacts(options, geolocation);
  const { collectorBase, dashboardBase } = options;
  const urls = dashboardUrls(dashboardBase, collectorBase, context.trailingSlash);
  const collectorPath = `${collectorBase}/e`;
  let timer: NodeJS.Timeout | undefined;

  async function maintain(): Promise<void> {
    const t = now();
    const open = await salts.rotate(t);
    // Ended buckets get their rollups, so dashboards over long ranges stop reading raw events.
    await store.seal(open.start);
    if (options.retentionDays) {
      const before = t - options.retentionDays * 24 * HOUR;
      await store.prune(before, bucketAt(before, options.hashRotationHours, options.timezone).start);
    }
  }

  let closed = false;
  let running: Promise<void> | undefined;

  function runMaintenance(): void {
    running = maintain()
      .catch((e: Error) => warn('maintenance', `@footfall/runtime: maintenance failed: ${e.message}`))
      .finally(() => {
        running = undefined;
        schedule();
      });
  }

  function schedule(): void {
    if (closed) return;
    // Wake at the end of the open bucket (so a salt dies on time even with no traffic) or in an
    // hour, whichever is first. unref(): maintenance never keeps a process alive.
    const end = bucketAt(now(), options.hashRotationHours, options.timezone).end;
    timer = setTimeout(runMaintenance, Math.max(1000, Math.min(end - now() + 50, HOUR)));
    timer.unref();
  }

  // In the background: sealing a large backlog (after an upgrade or a migration) must not hold up
  // the server's start. Salts rotate on the first event of a bucket anyway.
  if (context.timers !== false) runMaintenance();

  return {
    options,
    store,
    matches: (pathname) => ownsPath(pathname, options),
    tracker: () => trackerFor(options),
    maintain,
    collectorPath,
    bodyTimeoutMs,
    collect: (input) => collect(input, collector),
    async fetch(request, info = {}) {
      // Beacons are most requests: their path is read from the URL's text, not parsed again.
      if (request.method === 'POST' && pathOf(request.url) === collectorPath) return collectRequest(request, info, collector, bodyTimeoutMs);
      const url = new URL(request.url);
      const path = url.pathname;
      if (path === collectorPath) {
        if (request.method === 'OPTIONS') return preflight();
        if (request.method !== 'POST') return problem(405, 'use POST', { allow: 'POST, OPTIONS' });
        return collectRequest(request, info, collector, bodyTimeoutMs);
      }
      if (path === `${collectorBase}/privacy`) {
        if (request.method !== 'GET' && request.method !== 'HEAD') return problem(405, 'use GET', { allow: 'GET' });
        const wantsJson = url.searchParams.get('format') === 'json' || (request.headers.get('accept') ?? '').startsWith('application/json');
        return wantsJson ? json(200, privacy) : html(200, privacyPage(privacy));
      }
      if (underBase(path, dashboardBase)) {
        return routeDashboard(request, url, info.clientAddress, { options, dev, stats, throttle, revoked, now, bodyTimeoutMs, privacy, urls });
      }
      return problem(404, 'not found');
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
      await writer.close();
      await store.close();
    },
  };
}

function preflight(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '86400',
    },
  });
}
