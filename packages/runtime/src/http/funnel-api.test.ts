import { afterEach, describe, expect, it } from 'vitest';
import { harness, pageview, type Harness } from '../../../../test/support/kit.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const goals = ['Signup', { page: '/pricing' }];
const funnels = [
  { name: 'Checkout', steps: ['Visit /pricing', 'Signup', { event: 'Purchase' }] },
  { name: 'Docs', steps: [{ page: '/docs/**' }, 'Signup'] },
];

/** Three visitors: one completes Checkout, one purchases without signing up, one signs up before pricing. */
async function traffic() {
  const at = async (body: Record<string, unknown>, ip: string) => {
    h.clock.now += 1000;
    await h.send(body, { ip });
  };
  await at(pageview('https://site.test/pricing', { s: 's1' }), '198.51.100.10');
  await at({ k: 'e', u: 'https://site.test/pricing', s: 's1', n: 'Signup' }, '198.51.100.10');
  await at({ k: 'e', u: 'https://site.test/pricing', s: 's1', n: 'Purchase' }, '198.51.100.10');
  await at(pageview('https://site.test/pricing', { s: 's2' }), '198.51.100.20');
  await at({ k: 'e', u: 'https://site.test/pricing', s: 's2', n: 'Purchase' }, '198.51.100.20');
  await at(pageview('https://site.test/', { s: 's3' }), '198.51.100.30');
  await at({ k: 'e', u: 'https://site.test/', s: 's3', n: 'Signup' }, '198.51.100.30');
  await at(pageview('https://site.test/pricing', { s: 's3' }), '198.51.100.30');
}

describe('GET /_analytics/api/funnel', () => {
  it("answers a funnel's steps for the view: visitors, conversion from the first step, drop-off", async () => {
    h = await harness({ publicDashboard: true, goals, funnels });
    await traffic();
    expect(await h.api('funnel?name=Checkout&period=today')).toEqual({
      name: 'Checkout',
      entered: 3,
      steps: [
        { name: 'Visit /pricing', visitors: 3, conversion_rate: 100, dropoff: 0, dropoff_rate: 0 },
        { name: 'Signup', visitors: 1, conversion_rate: 33.3, dropoff: 2, dropoff_rate: 66.7 },
        { name: 'Purchase', visitors: 1, conversion_rate: 33.3, dropoff: 0, dropoff_rate: 0 },
      ],
      range: { period: 'today', from: '2026-03-10', to: '2026-03-10', interval: 'hour' },
    });
    // The view's filters: the visits with a Purchase.
    expect(await h.api('funnel?name=Checkout&period=today&filter=event:Purchase')).toMatchObject({ entered: 2, steps: [{ visitors: 2 }, { visitors: 1 }, { visitors: 1 }] });
    expect(await h.api('funnel?name=Docs&period=today')).toMatchObject({ entered: 0, steps: [{ visitors: 0, conversion_rate: 0 }, { visitors: 0 }] });
    expect(await h.api('funnel?name=Checkout&period=yesterday')).toMatchObject({ entered: 0 });
  });

  it('says which funnels there are when the name is missing or unknown, and when the site has none', async () => {
    h = await harness({ publicDashboard: true, goals, funnels });
    for (const [path, message] of [
      ['funnel?name=Nope', 'name: unknown funnel "Nope"; funnels: "Checkout", "Docs"'],
      ['funnel', 'name: which funnel? funnels: "Checkout", "Docs"'],
      ['funnel?name=Checkout&period=nope', /period/],
    ] as const) {
      const res = await h.get(`/_analytics/api/${path}`);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    await h.close();
    h = await harness({ publicDashboard: true });
    const res = await h.get('/_analytics/api/funnel?name=Checkout');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/this site has no funnels: set the funnels option \(or FOOTFALL_FUNNELS\)/);
  });

  it('asks for the password like the rest of the API', async () => {
    h = await harness({ password: 'correct horse battery', funnels });
    expect((await h.get('/_analytics/api/funnel?name=Checkout')).status).toBe(401);
  });
});

describe('the Funnels card', () => {
  it("shows each funnel's steps with visitors, conversion and drop-off, only on sites with funnels", async () => {
    h = await harness({ publicDashboard: true, goals, funnels });
    await traffic();
    const page = await (await h.get('/_analytics')).text();
    expect(page).toContain('id="card-funnels"');
    expect(page).toContain('<details class="funnel" data-funnel="Checkout" open><summary>Checkout: 3 entered</summary>');
    expect(page).toContain('<details class="funnel" data-funnel="Docs"><summary>Docs: 0 entered</summary>');
    expect(page).toMatch(
      /<tr data-step="2"><td class="v"><svg[^>]*><rect width="33\.3"[^>]*\/><\/svg><span class="label" title="2\. Signup">2\. Signup<\/span><\/td><td class="n">1<\/td><td class="n">33\.3%<\/td><td class="n optional">2 \(66\.7%\)<\/td><\/tr>/,
    );
    // The view's filters apply.
    const filtered = await (await h.get('/_analytics?filter=event%3APurchase')).text();
    expect(filtered).toContain('<summary>Checkout: 2 entered</summary>');
    await h.close();
    h = await harness({ publicDashboard: true, goals });
    expect(await (await h.get('/_analytics')).text()).not.toContain('card-funnels');
  });
});

describe('funnels in the CSV export and the privacy statement', () => {
  it('exports one row per step and says funnels come from stored names and paths, paranoid mode included', async () => {
    h = await harness({ publicDashboard: true, goals, funnels });
    await traffic();
    const csv = await (await h.get('/_analytics/export.csv?period=today')).text();
    expect(csv).toContain('funnel,Checkout / 1. Visit /pricing,3,,,,,,,,100,,\r\n');
    expect(csv).toContain('funnel,Checkout / 2. Signup,1,,,,,,,,33.3,,\r\n');
    expect(csv).toContain('funnel,Docs / 2. Signup,0,,,,,,,,0,,\r\n');
    const statement =
      "Funnels (Checkout, Docs) are computed from the event names and page addresses already stored, in the time order of each visit's events; nothing more is collected for them.";
    expect(((await (await h.get('/_footfall/privacy?format=json')).json()) as { funnels: string }).funnels).toBe(statement);
    expect(await (await h.get('/_footfall/privacy')).text()).toContain('<h2>Funnels</h2>');
    await h.close();
    // Paranoid mode stores event names and paths, and groups visits on the server: funnels still count.
    h = await harness({ publicDashboard: true, goals, funnels, privacyMode: 'paranoid' });
    await traffic();
    expect(((await (await h.get('/_footfall/privacy?format=json')).json()) as { funnels: string }).funnels).toBe(statement);
    expect(await h.api('funnel?name=Checkout&period=today')).toMatchObject({ entered: 3, steps: [{ visitors: 3 }, { visitors: 1 }, { visitors: 1 }] });
    await h.close();
    h = await harness({ publicDashboard: true });
    expect(await (await h.get('/_footfall/privacy?format=json')).json()).toMatchObject({ funnels: null });
  });
});
