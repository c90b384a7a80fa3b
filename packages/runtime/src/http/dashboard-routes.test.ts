import { afterEach, describe, expect, it } from 'vitest';
import { harness, pageview, type Harness } from '../../test/kit.ts';

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
    const login = (password: string) => h.ff.fetch(new Request('http://site.test/_analytics/login', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ password }),
    }), { clientAddress: '198.51.100.1' });
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
    const attempt = (password: string, ip: string) => h.ff.fetch(new Request('http://site.test/_analytics/login', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ password }),
    }), { clientAddress: ip });
    for (let i = 0; i < 5; i++) expect((await attempt('guess', '198.51.100.1')).status).toBe(401);
    const blocked = await attempt('correct horse', '198.51.100.1');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await attempt('correct horse', '198.51.100.2')).status).toBe(303);
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
      { value: '/a', visitors: 2, visits: 2, pageviews: 2, events: 0, time_on_page: 0 },
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
    expect(csv.split('\r\n')[0]).toBe('section,value,visitors,visits,pageviews,events,views_per_visit,bounce_rate,visit_duration');
  });
});
