import { afterEach, describe, expect, it } from 'vitest';
import { CHROME_UA, harness, pageview, type Harness } from '../../../../test/support/kit.ts';

let h: Harness;
afterEach(() => h?.close());

describe('collector answers', () => {
  it('accepts a tracker pageview with 202 and counts it', async () => {
    h = await harness({ publicDashboard: true });
    const res = await h.send(pageview('https://site.test/a?email=x@y.z&utm_source=news#top', { r: 'https://www.google.com/search?q=secret' }));
    expect(res.status).toBe(202);
    expect(res.headers.get('x-footfall-dropped')).toBeNull();
    const pages = await h.api<{ results: { value: string }[] }>('breakdown?property=page&period=today');
    expect(pages.results.map((r) => r.value)).toEqual(['/a']);
    const sources = await h.api<{ results: { value: string }[] }>('breakdown?property=source&period=today');
    expect(sources.results.map((r) => r.value)).toEqual(['news']);
    const referrers = await h.api<{ results: { value: string }[] }>('breakdown?property=referrer&period=today');
    expect(referrers.results.map((r) => r.value)).toEqual(['google.com']);
  });

  it('answers 405 to other methods and 404 off its paths', async () => {
    h = await harness();
    const get = await h.get('/_footfall/e');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toContain('POST');
    expect((await h.get('/_footfall/nope')).status).toBe(404);
  });

  it('drops bots, headless browsers, empty user agents, prefetches and referrer spam with a reason', async () => {
    h = await harness({ publicDashboard: true });
    const cases: [Record<string, string>, unknown, string][] = [
      [{ 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }, pageview(), 'bot'],
      [{ 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36' }, pageview(), 'headless'],
      [{ 'user-agent': '' }, pageview(), 'no-user-agent'],
      [{ 'sec-purpose': 'prefetch' }, pageview(), 'prefetch'],
      [{ purpose: 'prefetch' }, pageview(), 'prefetch'],
      [{}, pageview('https://site.test/', { r: 'http://semalt.com/' }), 'referrer-spam'],
    ];
    for (const [headers, body, reason] of cases) {
      const res = await h.send(body, { headers });
      expect(res.status, reason).toBe(202);
      expect(res.headers.get('x-footfall-dropped')).toBe(reason);
    }
    expect((await h.api('summary?period=today')).pageviews).toBe(0);
  });

  it('stores a Zenovay-shaped server-side event and its custom events', async () => {
    h = await harness({ publicDashboard: true });
    expect((await h.send({ type: 'page_view', url: 'https://site.test/pricing', referrer: 'https://news.ycombinator.com/item?id=1' })).status).toBe(202);
    expect((await h.send({ type: 'event', url: 'https://site.test/pricing', name: 'Signup', props: { plan: 'pro', seats: 3 } })).status).toBe(202);
    const summary = await h.api('summary?period=today');
    // Same visitor, no tracker session: one server-side visit (gaps under 30 min).
    expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 1, events: 1 });
    const props = await h.api<{ results: unknown[] }>('breakdown?property=prop:seats&period=today');
    expect(props.results).toMatchObject([{ value: '3', events: 1 }]);
  });
});

describe('input limits and validation', () => {
  const bad: [string, unknown, RegExp][] = [
    ['not JSON', '{', /not valid JSON/],
    ['an array', '[]', /JSON object/],
    ['unknown kind', { k: 'x', u: 'https://site.test/' }, /k must be/],
    ['missing url', { k: 'p' }, /u must be/],
    ['relative url', { k: 'p', u: '/a' }, /absolute URL/],
    ['javascript: url', { k: 'p', u: 'javascript:alert(1)' }, /http or https/],
    ['data: url', { k: 'p', u: 'data:text/html,x' }, /http or https/],
    ['control characters', { k: 'p', u: 'https://site.test/\u0001' }, /control characters/],
    ['long url', { k: 'p', u: `https://site.test/${'a'.repeat(2000)}` }, /longer than 2000 bytes/],
    ['bad session', { k: 'p', u: 'https://site.test/', s: 'a b' }, /s must be/],
    ['event without name', { k: 'e', u: 'https://site.test/' }, /n must be/],
    ['long event name', { k: 'e', u: 'https://site.test/', n: 'x'.repeat(121) }, /1-120 characters/],
    ['too many props', { k: 'e', u: 'https://site.test/', n: 'E', p: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, 'v'])) }, /more than 30/],
    ['long prop key', { k: 'e', u: 'https://site.test/', n: 'E', p: { ['k'.repeat(301)]: 'v' } }, /keys must be/],
    ['long prop value', { k: 'e', u: 'https://site.test/', n: 'E', p: { k: 'v'.repeat(2001) } }, /at most 2000 bytes/],
    ['object prop value', { k: 'e', u: 'https://site.test/', n: 'E', p: { k: { x: 1 } } }, /string, number or boolean/],
    ['engagement without time', { k: 'g', u: 'https://site.test/' }, /g must be/],
    ['negative engagement', { k: 'g', u: 'https://site.test/', g: -5 }, /g must be/],
    ['scroll depth as text', { k: 'g', u: 'https://site.test/', g: 1000, d: '50%' }, /d must be the scroll depth/],
    ['negative scroll depth', { k: 'g', u: 'https://site.test/', g: 1000, d: -0.1 }, /d must be the scroll depth/],
    ['scroll depth past any page', { k: 'g', u: 'https://site.test/', g: 1000, d: 10.5 }, /d must be the scroll depth/],
    ['scroll depth as a boolean', { k: 'g', u: 'https://site.test/', g: 1000, d: true }, /d must be the scroll depth/],
    ['server event with bad type', { type: 'click', url: 'https://site.test/' }, /type must be/],
  ];
  it.each(bad)('rejects %s with a one-line 400', async (_name, body, reason) => {
    h = await harness();
    const res = await h.send(undefined, { raw: typeof body === 'string' ? body : JSON.stringify(body) });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string };
    expect(json.error).toMatch(reason);
    expect(json.error).not.toContain('\n');
  });

  it('accepts limits exactly at the boundary', async () => {
    h = await harness();
    // Each limit alone: all of them at once would pass the 16 KiB body cap.
    const url = `https://site.test/${'a'.repeat(2000 - 'https://site.test/'.length)}`;
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v']));
    expect((await h.send({ k: 'e', u: url, n: 'n'.repeat(120), p: many })).status).toBe(202);
    expect((await h.send({ k: 'e', u: 'https://site.test/', n: 'E', p: { ['k'.repeat(300)]: 'v'.repeat(2000) } })).status).toBe(202);
  });

  it('answers 413 to a declared or streamed body over 16 KiB', async () => {
    h = await harness();
    const big = JSON.stringify(pageview('https://site.test/', { pad: 'x'.repeat(17_000) }));
    expect((await h.send(undefined, { raw: big })).status).toBe(413);
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // An endless body: the collector must stop reading at the cap, not buffer it all.
        pulls++;
        controller.enqueue(new Uint8Array(4096).fill(32));
      },
    });
    const res = await h.ff.fetch(
      new Request('http://site.test/_footfall/e', { method: 'POST', body: stream, duplex: 'half', headers: { 'user-agent': CHROME_UA } } as RequestInit),
      { clientAddress: '203.0.113.9' },
    );
    expect(res.status).toBe(413);
    expect(pulls).toBeLessThan(10);
  });

  it('never answers 5xx to random input', async () => {
    h = await harness();
    const pieces = ['{', '}', '"k"', ':', '"p"', ',', '"u"', '"https://site.test/"', 'null', '[', ']', '1e999', '"__proto__"', '{"constructor":{}}', '\u0000', '"g"', '-1', 'true'];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++) {
      const raw = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
      const res = await h.send(undefined, { raw });
      expect(res.status, raw).toBeLessThan(500);
    }
  });
});

describe('what the server decides for the tracker', () => {
  const events = async (h: Harness) => (await h.api<{ results: { value: string; events: number }[] }>('breakdown?property=event&period=today')).results;

  it("turns scroll depth into a percentage capped at 100, keeps each visit's deepest per page and averages them", async () => {
    h = await harness({ publicDashboard: true });
    const report = (u: string, s: string, d: unknown) => h.send({ k: 'g', u, s, g: 1000, d });
    for (const s of ['s1', 's2', 's3']) expect((await h.send(pageview(s === 's3' ? 'https://site.test/b' : 'https://site.test/a', { s }))).status).toBe(202);
    expect((await report('https://site.test/a', 's1', 0.424)).status).toBe(202); // 42
    expect((await report('https://site.test/a', 's1', 0.3)).status).toBe(202); // lower: s1 stays at 42
    expect((await report('https://site.test/a', 's2', 1.3)).status).toBe(202); // capped: 100
    expect((await report('https://site.test/b', 's3', null)).status).toBe(202); // a page of no height: none
    const pages = await h.api<{ results: { value: string; scroll_depth: number | null }[] }>('breakdown?property=page&period=today');
    expect(Object.fromEntries(pages.results.map((r) => [r.value, r.scroll_depth]))).toEqual({ '/a': 71, '/b': null });
  });

  it('turns link clicks into download and outbound events, storing the link without its query', async () => {
    h = await harness({ publicDashboard: true });
    const page = 'https://site.test/docs';
    expect((await h.send({ k: 'l', u: page, s: 's1', h: 'https://cdn.other.test/report.pdf?token=secret' })).status).toBe(202);
    expect((await h.send({ k: 'l', u: page, s: 's1', h: 'https://partner.test/deal?id=7' })).status).toBe(202);
    const internal = await h.send({ k: 'l', u: page, s: 's1', h: 'https://site.test/about.php' });
    expect(internal.headers.get('x-footfall-dropped')).toBe('internal-link');
    expect(await events(h)).toEqual([expect.objectContaining({ value: 'File Download', events: 1 }), expect.objectContaining({ value: 'Outbound Link: Click', events: 1 })]);
    const urls = await h.api<{ results: { value: string }[] }>('breakdown?property=prop:url&period=today');
    expect(urls.results.map((r) => r.value).sort()).toEqual(['https://cdn.other.test/report.pdf', 'https://partner.test/deal']);
  });

  it("applies the owner's switches for link events at run time, from the environment too", async () => {
    h = await harness({ publicDashboard: true }, { env: { FOOTFALL_TRACK_OUTBOUND: 'false', FOOTFALL_TRACK_DOWNLOADS: 'false' } });
    const out = await h.send({ k: 'l', u: 'https://site.test/', s: 's1', h: 'https://partner.test/' });
    expect(out.headers.get('x-footfall-dropped')).toBe('outbound-off');
    const file = await h.send({ k: 'l', u: 'https://site.test/', s: 's1', h: 'https://site.test/a.zip' });
    expect(file.headers.get('x-footfall-dropped')).toBe('downloads-off');
    expect(await events(h)).toEqual([]);
  });

  it("reads a tagged element's event and data-footfall-prop-* values from its dataset, nothing else", async () => {
    h = await harness({ publicDashboard: true });
    const dataset = { footfallEvent: 'Buy', footfallPropPlan: 'pro', footfallPropBillingPeriod: 'yearly', userEmail: 'a@b.c' };
    expect((await h.send({ k: 't', u: 'https://site.test/', s: 's1', p: dataset })).status).toBe(202);
    expect(await events(h)).toMatchObject([{ value: 'Buy', events: 1 }]);
    expect(await h.api('breakdown?property=prop:billingPeriod&period=today')).toMatchObject({ results: [{ value: 'yearly' }] });
    expect((await h.api<{ results: unknown[] }>('breakdown?property=prop:userEmail&period=today')).results).toEqual([]);
    const unnamed = await h.send({ k: 't', u: 'https://site.test/', s: 's1', p: { footfallPropPlan: 'pro' } });
    expect(unnamed.status).toBe(400);
  });

  it('honours Do Not Track and Global Privacy Control only when respectDnt is on', async () => {
    h = await harness({ publicDashboard: true, respectDnt: true });
    expect((await h.send(pageview(), { headers: { dnt: '1' } })).headers.get('x-footfall-dropped')).toBe('do-not-track');
    expect((await h.send(pageview(), { headers: { 'sec-gpc': '1' } })).headers.get('x-footfall-dropped')).toBe('do-not-track');
    await h.close();
    h = await harness({ publicDashboard: true });
    expect((await h.send(pageview(), { headers: { dnt: '1', 'sec-gpc': '1' } })).headers.get('x-footfall-dropped')).toBeNull();
  });

  it("ignores beacons from the dashboard's own pages", async () => {
    h = await harness({ publicDashboard: true });
    const res = await h.send(pageview('https://site.test/_analytics?period=7d'));
    expect(res.headers.get('x-footfall-dropped')).toBe('dashboard');
    expect(await h.api('summary?period=today')).toMatchObject({ pageviews: 0 });
  });
});
