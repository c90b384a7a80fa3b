import { securePage } from '../dashboard/csp.ts';
import { badViewPage, dashboardPage } from '../dashboard/dashboard-page.ts';
import { loadView } from '../dashboard/load-view.ts';
import { lockedPage, loginPage } from '../dashboard/login-page.ts';
import { readViewState } from '../dashboard/view-state.ts';
import type { ResolvedOptions } from '../options.ts';
import type { PrivacyFacts } from '../privacy/statement.ts';
import { normalizeIp } from '../net/ip.ts';
import { checkAccess, issueSession, NO_PASSWORD_MESSAGE, sessionCookie, type LoginThrottle } from './auth.ts';
import { exportCsv } from './export-csv.ts';
import { problem } from './responses.ts';
import { parseStatsParams, statsApi, type StatsContext } from './stats-api.ts';
import { safeEqual } from '../visitor/client-ip.ts';

export interface DashboardContext {
  readonly options: ResolvedOptions;
  readonly dev: boolean;
  readonly stats: StatsContext;
  readonly throttle: LoginThrottle;
  readonly now: () => number;
  /** What the running configuration collects, for the dashboard's privacy panel. */
  readonly privacy: PrivacyFacts;
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
    if (access.reason === 'no-password') return isApi ? problem(403, NO_PASSWORD_MESSAGE) : securePage(403, (nonce) => lockedPage(nonce, NO_PASSWORD_MESSAGE));
    return isApi ? problem(401, 'send Authorization: Bearer <FOOTFALL_PASSWORD>', { 'www-authenticate': 'Bearer' }) : securePage(401, (nonce) => loginPage(nonce, `${base}/login`));
  }
  if (sub.startsWith('/api/')) return statsApi(sub.slice(5), url.searchParams, ctx.stats);
  if (sub === '/export.csv') return exportCsv(url.searchParams, ctx.stats);
  if (sub === '' || sub === '/') return page(url, ctx);
  return problem(404, 'not found');
}

/** The dashboard page: the view comes from the URL, the numbers from one parallel round of store questions. */
async function page(url: URL, ctx: DashboardContext): Promise<Response> {
  const base = ctx.options.dashboardBase;
  const params = new URLSearchParams(url.searchParams);
  // The page charts at the interval its period implies; `interval` is an API parameter.
  params.delete('interval');
  const parsed = await parseStatsParams(params, ctx.stats);
  if ('error' in parsed) return securePage(400, (nonce) => badViewPage(nonce, base, parsed.error));
  const state = readViewState(base, params);
  const data = await loadView(state, parsed.range, parsed.query, ctx.stats);
  return securePage(200, (nonce) => dashboardPage({
    nonce,
    state,
    data,
    site: url.hostname,
    privacy: ctx.privacy,
    collectorBase: ctx.options.collectorBase,
    timezone: ctx.options.timezone,
    signOut: !ctx.dev && ctx.options.password !== undefined,
  }));
}

async function login(request: Request, clientAddress: string | undefined, ctx: DashboardContext): Promise<Response> {
  const base = ctx.options.dashboardBase;
  const password = ctx.options.password;
  if (!password) return securePage(403, (nonce) => lockedPage(nonce, NO_PASSWORD_MESSAGE));
  const who = (clientAddress && normalizeIp(clientAddress)) ?? 'unknown';
  const now = ctx.now();
  const wait = ctx.throttle.blockedFor(who, now);
  if (wait > 0) {
    const message = `Too many attempts. Try again in ${Math.ceil(wait / 60_000)} minute(s).`;
    return securePage(429, (nonce) => loginPage(nonce, `${base}/login`, message), { 'retry-after': String(Math.ceil(wait / 1000)) });
  }
  const text = await request.text().catch(() => '');
  const given = text.length <= MAX_LOGIN_BODY ? new URLSearchParams(text).get('password') ?? '' : '';
  if (!safeEqual(given, password)) {
    ctx.throttle.fail(who, now);
    return securePage(401, (nonce) => loginPage(nonce, `${base}/login`, 'Wrong password.'));
  }
  ctx.throttle.succeed(who);
  const url = new URL(request.url);
  return new Response(null, { status: 303, headers: { location: base, 'set-cookie': sessionCookie(issueSession(password, now), base, isHttps(request, url)) } });
}

function isHttps(request: Request, url: URL): boolean {
  return url.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
}
