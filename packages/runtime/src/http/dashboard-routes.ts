import { lockedPage, loginPage } from '../dashboard/login-page.ts';
import { summaryPage } from '../dashboard/summary-page.ts';
import type { ResolvedOptions } from '../options.ts';
import { summarise } from '../stats/summary.ts';
import { normalizeIp } from '../net/ip.ts';
import { checkAccess, issueSession, NO_PASSWORD_MESSAGE, sessionCookie, type LoginThrottle } from './auth.ts';
import { exportCsv } from './export-csv.ts';
import { html, problem } from './responses.ts';
import { parseStatsParams, statsApi, type StatsContext } from './stats-api.ts';
import { safeEqual } from '../visitor/client-ip.ts';

export interface DashboardContext {
  readonly options: ResolvedOptions;
  readonly dev: boolean;
  readonly stats: StatsContext;
  readonly throttle: LoginThrottle;
  readonly now: () => number;
}

const MAX_LOGIN_BODY = 4096;

/** Everything under the dashboard base: login/logout, the page, the JSON API, the CSV export. */
export async function routeDashboard(request: Request, url: URL, clientAddress: string | undefined, ctx: DashboardContext): Promise<Response> {
  const base = ctx.options.dashboardBase;
  const sub = url.pathname.slice(base.length);
  const isApi = sub.startsWith('/api/') || sub === '/export.csv';

  if (sub === '/login' && request.method === 'POST') return login(request, clientAddress, ctx);
  if (sub === '/logout' && request.method === 'POST') {
    return new Response(null, { status: 303, headers: { location: base, 'set-cookie': sessionCookie('', base, isHttps(request, url), 0) } });
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') return problem(405, 'use GET', { allow: 'GET' });

  const access = checkAccess(request, ctx.options, ctx.dev, ctx.now());
  if (!access.ok) {
    if (access.reason === 'no-password') return isApi ? problem(403, NO_PASSWORD_MESSAGE) : html(403, lockedPage(NO_PASSWORD_MESSAGE));
    return isApi ? problem(401, 'send Authorization: Bearer <FOOTFALL_PASSWORD>', { 'www-authenticate': 'Bearer' }) : html(401, loginPage(`${base}/login`));
  }
  if (sub.startsWith('/api/')) return statsApi(sub.slice(5), url.searchParams, ctx.stats);
  if (sub === '/export.csv') return exportCsv(url.searchParams, ctx.stats);
  if (sub === '' || sub === '/') return page(url, ctx);
  return problem(404, 'not found');
}

async function page(url: URL, ctx: DashboardContext): Promise<Response> {
  const parsed = await parseStatsParams(url.searchParams, ctx.stats);
  if ('error' in parsed) return problem(400, parsed.error);
  const { store } = ctx.stats;
  const [totals, pages, sources] = await Promise.all([
    store.totals(parsed.query),
    store.breakdown(parsed.query, 'page', 10),
    store.breakdown(parsed.query, 'source', 10),
  ]);
  return html(200, summaryPage({
    base: ctx.options.dashboardBase,
    period: parsed.range.period,
    summary: summarise(totals),
    pages,
    sources,
    privacyUrl: `${ctx.options.collectorBase}/privacy`,
  }));
}

async function login(request: Request, clientAddress: string | undefined, ctx: DashboardContext): Promise<Response> {
  const base = ctx.options.dashboardBase;
  const password = ctx.options.password;
  if (!password) return html(403, lockedPage(NO_PASSWORD_MESSAGE));
  const who = (clientAddress && normalizeIp(clientAddress)) ?? 'unknown';
  const now = ctx.now();
  const wait = ctx.throttle.blockedFor(who, now);
  if (wait > 0) {
    return html(429, loginPage(`${base}/login`, `Too many attempts. Try again in ${Math.ceil(wait / 60_000)} minute(s).`), { 'retry-after': String(Math.ceil(wait / 1000)) });
  }
  const text = await request.text().catch(() => '');
  const given = text.length <= MAX_LOGIN_BODY ? new URLSearchParams(text).get('password') ?? '' : '';
  if (!safeEqual(given, password)) {
    ctx.throttle.fail(who, now);
    return html(401, loginPage(`${base}/login`, 'Wrong password.'));
  }
  ctx.throttle.succeed(who);
  const url = new URL(request.url);
  return new Response(null, { status: 303, headers: { location: base, 'set-cookie': sessionCookie(issueSession(password, now), base, isHttps(request, url)) } });
}

function isHttps(request: Request, url: URL): boolean {
  return url.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
}
