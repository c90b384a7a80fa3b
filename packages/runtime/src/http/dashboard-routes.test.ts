import { afterEach, describe, expect, it } from 'vitest';
import { harness, pageview, type Harness } from '../../../../test/support/kit.ts';
import { createFootfall } from '../footfall.ts';

let h: Harness;
afterEach(() => h?.close());

describe('dashboard access', () => {
  it('is open in dev', async () => {
    h = await harness({}, { dev: true });
    expect((await h.get('/_analytics/api/summary')).status).toBe(200);
    expect((await h.get('/_analytics')).status).toBe(200);
  });

  it('refuses in production without a password, saying how to set one', async () => {
    h = await harness();
    const api = await h.get('/_analytics/api/summary');
    expect(api.status).toBe(403);
    expect(((await api.json()) as { error: string }).error).toContain('FOOTFALL_PASSWORD');
    const page = await h.get('/_analytics');
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('FOOTFALL_PASSWORD');
  });

  it('is open in production when the owner made it public', async () => {
    h = await harness({ publicDashboard: true });
    expect((await h.get('/_analytics/api/summary')).status).toBe(200);
  });

  it('takes the password as a bearer token for the API and the CSV', async () => {
    h = await harness({ password: 'correct horse' });
    expect((await h.get('/_analytics/api/summary')).status).toBe(401);
    expect((await h.get('/_analytics/api/summary', { authorization: 'Bearer wrong password' })).status).toBe(401);
    expect((await h.get('/_analytics/api/summary', { authorization: 'Bearer correct horse' })).status).toBe(200);
    expect((await h.get('/_analytics/export.csv', { authorization: 'Bearer correct horse' })).status).toBe(200);
  });

  it('logs the owner in with an HttpOnly SameSite=Strict cookie, and out again', async () => {
    h = await harness({ password: 'correct horse' });
    const form = await h.get('/_analytics');
    expect(form.status).toBe(401);
    expect(await form.text()).toContain('type="password"');
    const login = (password: string) =>
      h.ff.fetch(
        new Request('http://site.test/_analytics/login', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ password }),
        }),
        { clientAddress: '198.51.100.1' },
      );
    expect((await login('nope')).status).toBe(401);
    const ok = await login('correct horse');
    expect(ok.status).toBe(303);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/_analytics/);
    const session = cookie.split(';')[0]!;
    expect((await h.get('/_analytics', { cookie: session })).status).toBe(200);
    expect((await h.get('/_analytics/api/summary', { cookie: session })).status).toBe(200);
    expect((await h.get('/_analytics', { cookie: `${session}x` })).status).toBe(401);
    const out = await h.ff.fetch(new Request('http://site.test/_analytics/logout', { method: 'POST' }), {});
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });

  it('slows down password guessing per client', async () => {
    h = await harness({ password: 'correct horse' });
    const attempt = (password: string, ip: string) =>
      h.ff.fetch(
        new Request('http://site.test/_analytics/login', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ password }),
        }),
        { clientAddress: ip },
      );
    for (let i = 0; i < 5; i++) expect((await attempt('guess', '198.51.100.1')).status).toBe(401);
    const blocked = await attempt('correct horse', '198.51.100.1');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await attempt('correct horse', '198.51.100.2')).status).toBe(303);
  });
});

const PASSWORD = 'correct horse';

function login(password: string, init: { ip?: string; headers?: Record<string, string>; body?: BodyInit } = {}) {
  return h.ff.fetch(
    new Request('http://site.test/_analytics/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...init.headers },
      body: init.body ?? new URLSearchParams({ password }),
      duplex: 'half',
    } as RequestInit),
    { clientAddress: init.ip ?? '198.51.100.1' },
  );
}

function withBearer(path: string, password: string, ip = '198.51.100.1', headers: Record<string, string> = {}) {
  return h.ff.fetch(new Request(`http://site.test${path}`, { headers: { authorization: `Bearer ${password}`, ...headers } }), { clientAddress: ip });
}

async function signIn(): Promise<string> {
  const ok = await login(PASSWORD, { ip: '198.51.100.7' });
  expect(ok.status).toBe(303);
  return ok.headers.get('set-cookie')!.split(';')[0]!;
}

describe("the host's trailing-slash style", () => {
  it('writes every link, form action and redirect with a slash when the host wants one', async () => {
    h = await harness({ password: 'correct horse' }, { trailingSlash: 'always' });
    expect(await (await h.get('/_analytics')).text()).toContain('action="/_analytics/login/"');
    const login = await h.ff.fetch(
      new Request('http://site.test/_analytics/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ password: 'correct horse' }),
      }),
      { clientAddress: '198.51.100.1' },
    );
    expect(login.headers.get('location')).toBe('/_analytics/');
    await h.send(pageview());
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const html = await (await h.get('/_analytics', { cookie })).text();
    const urls = [...html.matchAll(/(?:href|action|data-src)="(\/[^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&').split('?')[0]!);
    expect(urls.length).toBeGreaterThan(20);
    expect(urls.filter((url) => !url.endsWith('/'))).toEqual([]);
    expect(urls).toEqual(expect.arrayContaining(['/_analytics/', '/_analytics/logout/', '/_analytics/api/realtime/', '/_analytics/export.csv/', '/_footfall/privacy/']));
  });
});

describe('password guessing', () => {
  it('throttles Bearer passwords on the API and the CSV, together with the login form', async () => {
    h = await harness({ password: PASSWORD });
    for (let i = 0; i < 5; i++) expect((await withBearer('/_analytics/api/summary', `guess ${i}`)).status).toBe(401);
    const blocked = await withBearer('/_analytics/export.csv', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await withBearer('/_analytics/api/summary', PASSWORD)).status).toBe(429);
    expect((await login(PASSWORD)).status).toBe(429);
    // Other clients are not affected, and the window ends.
    expect((await withBearer('/_analytics/api/summary', PASSWORD, '198.51.100.2')).status).toBe(200);
    h.clock.now += 15 * 60_000;
    expect((await withBearer('/_analytics/api/summary', PASSWORD)).status).toBe(200);
  });

  it("keys the throttle on the client behind a trusted proxy, so the proxy's other users keep their access", async () => {
    h = await harness({ password: PASSWORD, trustedProxies: '10.0.0.1' });
    const viaProxy = (password: string, client: string) => login(password, { ip: '10.0.0.1', headers: { 'x-forwarded-for': client } });
    for (let i = 0; i < 5; i++) expect((await viaProxy('guess', '198.51.100.66')).status).toBe(401);
    expect((await viaProxy(PASSWORD, '198.51.100.66')).status).toBe(429);
    expect((await viaProxy(PASSWORD, '203.0.113.5')).status).toBe(303);
  });

  it('believes X-Forwarded-For only from trusted proxies, and counts IPv6 clients per /64', async () => {
    h = await harness({ password: PASSWORD });
    for (let i = 0; i < 5; i++) expect((await login('guess', { ip: '198.51.100.1', headers: { 'x-forwarded-for': `203.0.113.${i}` } })).status).toBe(401);
    expect((await login(PASSWORD, { ip: '198.51.100.1', headers: { 'x-forwarded-for': '203.0.113.99' } })).status).toBe(429);
    for (let i = 0; i < 5; i++) expect((await login('guess', { ip: `2001:db8:1:2::${i + 1}` })).status).toBe(401);
    expect((await login(PASSWORD, { ip: '2001:db8:1:2:ffff::9' })).status).toBe(429);
    expect((await login(PASSWORD, { ip: '2001:db8:1:3::1' })).status).toBe(303);
  });

  it('never throttles a signed-in owner', async () => {
    h = await harness({ password: PASSWORD });
    const session = await signIn();
    for (let i = 0; i < 6; i++) await login('guess', { ip: '198.51.100.7' });
    expect((await login(PASSWORD, { ip: '198.51.100.7' })).status).toBe(429);
    expect((await h.ff.fetch(new Request('http://site.test/_analytics/api/summary', { headers: { cookie: session } }), { clientAddress: '198.51.100.7' })).status).toBe(200);
    expect((await withBearer('/_analytics', 'guess', '198.51.100.7', { cookie: session })).status).toBe(200);
  });
});

describe('request bodies', () => {
  it('stops reading a login form at its 4 KiB cap', async () => {
    h = await harness({ password: PASSWORD });
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 8 << 20) return controller.close();
        pulled += 64 << 10;
        controller.enqueue(new TextEncoder().encode(`password=${'x'.repeat((64 << 10) - 9)}`));
      },
    });
    const res = await login('', { body });
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(1 << 20);
  });

  it('answers 408 to a login form that trickles in, and cancels it', async () => {
    h = await harness({ password: PASSWORD }, { bodyTimeoutMs: 20 });
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('pass')),
      pull: () => new Promise(() => {}),
      cancel: () => void (cancelled = true),
    });
    expect((await login('', { body })).status).toBe(408);
    expect(cancelled).toBe(true);
  });
});

describe('sessions', () => {
  it('revokes the session on the server at sign-out, in this process and in the next', async () => {
    h = await harness({ password: PASSWORD });
    const session = await signIn();
    const dashboard = (ff = h.ff) => ff.fetch(new Request('http://site.test/_analytics', { headers: { cookie: session } }), { clientAddress: '198.51.100.7' });
    expect((await dashboard()).status).toBe(200);
    const out = await h.ff.fetch(new Request('http://site.test/_analytics/logout', { method: 'POST', headers: { cookie: session } }), { clientAddress: '198.51.100.7' });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await dashboard()).status).toBe(401);
    // A restarted server (or another process on the same data directory) refuses it too.
    const other = await createFootfall({ dataDir: h.dir, timezone: 'UTC', password: PASSWORD }, { env: {}, now: () => h.clock.now, timers: false, log: () => {} });
    try {
      expect((await dashboard(other)).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('refuses sign-in and sign-out posted from another site', async () => {
    h = await harness({ password: PASSWORD });
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.test' }, { origin: 'null' }] as Record<
      string,
      string
    >[]) {
      const res = await login(PASSWORD, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(((await res.json()) as { error: string }).error).toMatch(/^@footfall\/runtime: sign-in and sign-out are refused from other sites/);
    }
    const session = await signIn();
    const out = await h.ff.fetch(new Request('http://site.test/_analytics/logout', { method: 'POST', headers: { cookie: session, 'sec-fetch-site': 'cross-site' } }), {});
    expect(out.status).toBe(403);
    expect((await h.get('/_analytics', { cookie: session })).status).toBe(200);
    // The dashboard's own form, and a proxy that says which host it forwarded.
    expect((await login(PASSWORD, { headers: { 'sec-fetch-site': 'same-origin', origin: 'http://site.test' } })).status).toBe(303);
    expect((await login(PASSWORD, { headers: { origin: 'https://stats.example.com', 'x-forwarded-host': 'stats.example.com' } })).status).toBe(303);
  });

  it('answers 400 to text with lone surrogates instead of replacing them', async () => {
    h = await harness({ password: PASSWORD });
    const res = await login('', { body: 'password=%ED%A0%80' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('not valid UTF-8');
    const api = await withBearer('/_analytics/api/summary?filter=page:/%ED%A0%80', PASSWORD);
    expect(api.status).toBe(400);
    expect(((await api.json()) as { error: string }).error).toMatch(/not UTF-8/);
    // A literal % is still a %, as in URLSearchParams.
    expect((await withBearer('/_analytics/api/summary?filter=page:/100%', PASSWORD)).status).toBe(200);
  });
});

describe('stats API', () => {
  it('answers summary with previous, timeseries, breakdown and realtime', async () => {
    h = await harness({ publicDashboard: true });
    await h.send(pageview('https://site.test/a'));
    await h.send(pageview('https://site.test/b'));
    h.clock.now -= 86_400_000;
    await h.send(pageview('https://site.test/a', { s: 'yesterday' }), { ip: '198.51.100.20' });
    h.clock.now += 86_400_000;

    const summary = await h.api<Record<string, unknown>>('summary?period=today');
    expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 2, views_per_visit: 2, bounce_rate: 0, events: 0 });
    expect(summary.previous).toMatchObject({ visitors: 1, visits: 1, pageviews: 1, bounce_rate: 100 });
    for (const key of ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration', 'events']) {
      expect(summary).toHaveProperty(key);
      expect(summary.previous).toHaveProperty(key);
    }
    const series = await h.api<{ results: { date: string; pageviews: number }[] }>('timeseries?period=7d');
    expect(series.results).toHaveLength(7);
    expect(series.results.at(-1)).toMatchObject({ date: '2026-03-10', visitors: 1, visits: 1, pageviews: 2 });
    expect(series.results.at(-2)).toMatchObject({ date: '2026-03-09', pageviews: 1 });
    const byMonth = await h.api<{ results: unknown[] }>('timeseries?period=12mo');
    expect(byMonth.results).toHaveLength(12);
    expect((await h.api<{ results: unknown[] }>('breakdown?property=page&period=7d&limit=1')).results).toEqual([
      { value: '/a', visitors: 2, visits: 2, pageviews: 2, events: 0, time_on_page: 0, scroll_depth: null },
    ]);
    expect(await h.api('realtime')).toEqual({ visitors: 1 });
    const filtered = await h.api('summary?period=7d&filter=page:/b');
    expect(filtered).toMatchObject({ visitors: 1, pageviews: 1 });
    const custom = await h.api('summary?period=custom&from=2026-03-09&to=2026-03-09');
    expect(custom).toMatchObject({ visitors: 1, pageviews: 1 });
  });

  it('answers 400 with a reason to bad parameters', async () => {
    h = await harness({ publicDashboard: true });
    for (const [path, reason] of [
      ['summary?period=fortnight', /period must be/],
      ['summary?filter=colour:red', /unknown filter property/],
      ['summary?filter=page', /needs a value/],
      ['breakdown?property=colour', /property must be/],
      ['breakdown?property=page&limit=0', /limit must be/],
      ['timeseries?period=custom&from=2026-01-01', /needs from and to/],
    ] as const) {
      const res = await h.get(`/_analytics/api/${path}`);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(reason);
    }
  });

  it('exports CSV with formula cells neutralised and a safe file name', async () => {
    h = await harness({ publicDashboard: true });
    await h.send({ k: 'e', u: 'https://site.test/', s: 's1', n: '=HYPERLINK("http://evil","x")' });
    await h.send({ k: 'e', u: 'https://site.test/', s: 's1', n: '@SUM(A1)' });
    const res = await h.get('/_analytics/export.csv?period=today');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="footfall-today-2026-03-10-2026-03-10.csv"');
    const csv = await res.text();
    expect(csv).toContain(`event,"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csv).toContain("event,'@SUM(A1)");
    expect(csv).not.toMatch(/^[^,]*,=/m);
    expect(csv.split('\r\n')[0]).toBe(
      'section,value,visitors,visits,pageviews,events,views_per_visit,bounce_rate,visit_duration,scroll_depth,conversion_rate,revenue,average_revenue',
    );
  });
});

describe('goals', () => {
  const goals = ['Signup', { event: 'Purchase', revenue: 'amount' }, { page: '/blog/**' }];
  async function traffic() {
    await h.send(pageview('https://site.test/blog/a'));
    await h.send({ k: 'e', u: 'https://site.test/blog/a', s: 'sess1', n: 'Signup' });
    await h.send({ k: 'e', u: 'https://site.test/blog/a', s: 'sess1', n: 'Purchase', p: { amount: '12.5' } });
    await h.send(pageview('https://site.test/', { s: 'sess2' }), { ip: '198.51.100.20' });
    await h.send({ k: 'e', u: 'https://site.test/', s: 'sess2', n: 'Purchase', p: { amount: 'x' } }, { ip: '198.51.100.20' });
    await h.send(pageview('https://site.test/about', { s: 'sess3' }), { ip: '198.51.100.30' });
  }

  it('answers goal conversions with rates and revenue, and filters by a goal', async () => {
    h = await harness({ publicDashboard: true, goals });
    await traffic();
    expect((await h.api<{ results: unknown[] }>('breakdown?property=goal&period=today')).results).toEqual([
      { value: 'Purchase', visitors: 2, visits: 2, events: 2, conversion_rate: 66.7, revenue: 12.5, average_revenue: 12.5 },
      { value: 'Visit /blog/**', visitors: 1, visits: 1, events: 1, conversion_rate: 33.3 },
      { value: 'Signup', visitors: 1, visits: 1, events: 1, conversion_rate: 33.3 },
    ]);
    expect(await h.api('summary?period=today&filter=goal:Purchase')).toMatchObject({ visitors: 2, pageviews: 0, events: 2 });
    expect(await h.api(`summary?period=today&filter=${encodeURIComponent('goal:Visit /blog/**')}`)).toMatchObject({ visitors: 1, pageviews: 1, events: 0 });
    // Under a goal filter, the rate's base is still the view's visitors without it.
    expect((await h.api<{ results: unknown[] }>('breakdown?property=goal&period=today&filter=goal:Signup')).results).toEqual([
      { value: 'Signup', visitors: 1, visits: 1, events: 1, conversion_rate: 33.3 },
    ]);
    const csv = await (await h.get('/_analytics/export.csv?period=today')).text();
    expect(csv).toContain('goal,Purchase,2,2,,2,,,,,66.7,12.5,12.5\r\n');
    expect(csv).toContain('goal,Visit /blog/**,1,1,,1,,,,,33.3,,\r\n');
    const res = await h.get('/_analytics/api/summary?filter=goal:Nope');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/unknown goal "Nope"; goals: "Signup", "Purchase", "Visit \/blog\/\*\*"/);
  });

  it('shows the goal card only with goals, each goal a filter link, and the goal filter as a chip', async () => {
    h = await harness({ publicDashboard: true, goals });
    await traffic();
    const page = await (await h.get('/_analytics')).text();
    expect(page).toContain('id="card-goals"');
    expect(page).toContain('Goal conversions');
    expect(page).toMatch(/href="[^"]*filter=goal%3APurchase[^"]*"[^>]*>Purchase</);
    expect(page).toContain('<td class="n">66.7%</td>');
    expect(page).toContain('12.50');
    const filtered = await (await h.get('/_analytics?filter=goal%3APurchase')).text();
    expect(filtered).toContain('Goal is <strong>Purchase</strong>');
    await h.close();
    h = await harness({ publicDashboard: true });
    await traffic();
    expect(await (await h.get('/_analytics')).text()).not.toContain('card-goals');
  });

  it('says a site without goals has none to break down or filter by', async () => {
    h = await harness({ publicDashboard: true });
    for (const path of ['breakdown?property=goal', 'summary?filter=goal:Signup']) {
      const res = await h.get(`/_analytics/api/${path}`);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/this site has no goals: set the goals option \(or FOOTFALL_GOALS\)/);
    }
  });
});
