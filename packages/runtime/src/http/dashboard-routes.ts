import { readLimitedBody } from '../collect/body.ts';
import { securePage } from './csp.ts';
import { badViewPage, dashboardPage } from '../dashboard/dashboard-page.ts';
import { loadView } from '../dashboard/load-view.ts';
import { lockedPage, loginPage } from '../dashboard/login-page.ts';
import type { DashboardUrls } from '../dashboard/urls.ts';
import { viewState } from '../dashboard/view-state.ts';
import { CARDS } from '../dashboard/cards/index.ts';
import type { PrivacyFacts } from '../privacy/statement.ts';
import { safeEqual } from '../net/safe-equal.ts';
import { checkAccess, issueSession, NO_PASSWORD_MESSAGE, sessionCookie, sessionOf, type AuthContext } from './auth.ts';
import { crossSiteReason } from './cross-site.ts';
import { exportCsv } from './export-csv.ts';
import { problem } from './responses.ts';
import { statsApi } from './stats-api.ts';
import { parseQuery } from '../stats/parse-query.ts';
import { queryContext } from './query-context.ts';
import type { StatsContext } from '../store/types.ts';
import { wellFormedUrlEncoded } from './url-encoded.ts';

export interface DashboardContext extends AuthContext {
  readonly stats: StatsContext;
  readonly now: () => number;
  /** How long the login form's body may take to arrive (BODY_TIMEOUT_MS unless a test shortens it). */
  readonly bodyTimeoutMs: number;
  /** What the running configuration collects, for the dashboard's privacy panel. */
  readonly privacy: PrivacyFacts;
  /** The addresses the pages link to, in the host's trailing-slash style. */
  readonly urls: DashboardUrls;
}

const MAX_LOGIN_BODY = 4096;
const MALFORMED_QUERY = 'the query string has percent-escapes that are not UTF-8 text (a lone surrogate, for instance)';

/** Everything under the dashboard base: login/logout, the page, the JSON API, the CSV export. */
export async function routeDashboard(request: Request, url: URL, clientAddress: string | undefined, ctx: DashboardContext): Promise<Response> {
  const base = ctx.options.dashboardBase;
  const { urls } = ctx;
  const sub = url.pathname.slice(base.length);
  const isApi = sub.startsWith('/api/') || sub === '/export.csv';
  const client = ctx.throttle.client(clientAddress, request.headers, ctx.options.trustedProxies);

  if ((sub === '/login' || sub === '/logout') && request.method === 'POST') {
    const crossSite = crossSiteReason(request, url);
    if (crossSite) return problem(403, `@footfall/runtime: sign-in and sign-out are refused from other sites (${crossSite})`);
    return sub === '/login' ? login(request, url, client, ctx) : logout(request, url, ctx);
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') return problem(405, 'use GET', { allow: 'GET' });
  if (!wellFormedUrlEncoded(url.search)) return isApi ? problem(400, MALFORMED_QUERY) : securePage(400, (nonce) => badViewPage(nonce, urls.page, MALFORMED_QUERY));

  const access = checkAccess(request, client, ctx, ctx.now());
  if (!access.ok) {
    if (access.reason === 'no-password') return isApi ? problem(403, NO_PASSWORD_MESSAGE) : securePage(403, (nonce) => lockedPage(nonce, NO_PASSWORD_MESSAGE));
    if (access.reason === 'throttled') {
      const headers = { 'retry-after': String(Math.ceil(access.retryAfterMs / 1000)) };
      return isApi
        ? problem(429, tooManyAttempts(access.retryAfterMs), headers)
        : securePage(429, (nonce) => loginPage(nonce, urls.login, tooManyAttempts(access.retryAfterMs)), headers);
    }
    return isApi ? problem(401, 'send Authorization: Bearer <FOOTFALL_PASSWORD>', { 'www-authenticate': 'Bearer' }) : securePage(401, (nonce) => loginPage(nonce, urls.login));
  }
  if (sub.startsWith('/api/')) return statsApi(sub.slice(5), url.searchParams, ctx.stats);
  if (sub === '/export.csv') return exportCsv(url.searchParams, ctx.stats);
  if (sub === '' || sub === '/') return page(url, ctx);
  return problem(404, 'not found');
}

/** The dashboard page: the view comes from the URL, the numbers from one parallel round of store questions. */
async function page(url: URL, ctx: DashboardContext): Promise<Response> {
  const { urls } = ctx;
  const at = queryContext(ctx.stats);
  // The page charts at the interval its period implies; `interval` is an API parameter.
  const query = await parseQuery(url.searchParams, at, { interval: false });
  if ('error' in query) return securePage(400, (nonce) => badViewPage(nonce, urls.page, query.error));
  const state = viewState(urls.page, query, url.searchParams, CARDS);
  const data = await loadView(state, query, ctx.stats.store, at);
  return securePage(200, (nonce) =>
    dashboardPage({
      nonce,
      state,
      query,
      data,
      site: url.hostname,
      privacy: ctx.privacy,
      urls,
      timezone: ctx.options.timezone,
      signOut: !ctx.dev && ctx.options.password !== undefined,
    }),
  );
}

async function login(request: Request, url: URL, client: string, ctx: DashboardContext): Promise<Response> {
  const base = ctx.options.dashboardBase;
  const password = ctx.options.password;
  const form = (status: number, message: string, headers: Record<string, string> = {}) => securePage(status, (nonce) => loginPage(nonce, ctx.urls.login, message), headers);
  if (!password) return securePage(403, (nonce) => lockedPage(nonce, NO_PASSWORD_MESSAGE));
  const now = ctx.now();
  const wait = ctx.throttle.blockedFor(client, now);
  if (wait > 0) return form(429, tooManyAttempts(wait), { 'retry-after': String(Math.ceil(wait / 1000)) });
  // Read under the cap and the deadline: a huge or trickling body must not cost memory or a connection.
  const body = await readLimitedBody(request, MAX_LOGIN_BODY, ctx.bodyTimeoutMs);
  if (!body.ok) return form(body.status, `The form could not be read: ${body.reason}.`);
  if (!wellFormedUrlEncoded(body.text)) return form(400, 'The form could not be read: it is not valid UTF-8 text.');
  const given = new URLSearchParams(body.text).get('password') ?? '';
  if (!safeEqual(given, password)) {
    ctx.throttle.fail(client, now);
    return form(401, 'Wrong password.');
  }
  ctx.throttle.succeed(client);
  return new Response(null, { status: 303, headers: { location: ctx.urls.page, 'set-cookie': sessionCookie(issueSession(password, now), base, isHttps(request, url)) } });
}

/** Signing out revokes the session on the server too: a copy of the cookie stops working. */
function logout(request: Request, url: URL, ctx: DashboardContext): Response {
  const base = ctx.options.dashboardBase;
  const now = ctx.now();
  const session = ctx.options.password ? sessionOf(request, ctx.options.password, ctx.revoked, now) : undefined;
  if (session) ctx.revoked.revoke(session.id, session.expires, now);
  return new Response(null, { status: 303, headers: { location: ctx.urls.page, 'set-cookie': sessionCookie('', base, isHttps(request, url), 0) } });
}

function tooManyAttempts(waitMs: number): string {
  return `Too many wrong passwords from your network. Try again in ${Math.ceil(waitMs / 60_000)} minute(s).`;
}

function isHttps(request: Request, url: URL): boolean {
  return url.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
}
