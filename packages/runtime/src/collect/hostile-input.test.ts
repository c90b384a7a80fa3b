import { afterEach, describe, expect, it } from 'vitest';
import { harness, pageview, type Harness } from '../../../../test/support/kit.ts';

let h: Harness;
afterEach(() => h?.close());

// Names every plain object answers through its prototype: once they passed as event kinds.
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];

describe.each(['sqlite', 'json'] as const)('hostile beacons on %s', (storage) => {
  it.each(PROTOTYPE_KEYS)('refuses %s as a kind or type with a 400 and stores nothing', async (key) => {
    h = await harness({ storage, publicDashboard: true });
    for (const body of [
      { k: key, u: 'https://site.test/' },
      { type: key, url: 'https://site.test/' },
    ]) {
      const res = await h.send(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/k must be|type must be/);
    }
    expect(await h.api('summary?period=today')).toMatchObject({ pageviews: 0, events: 0 });
  });

  it("never lets an attacker's beacons make other visitors' beacons fail", async () => {
    h = await harness({ storage, publicDashboard: true });
    const legit = Array.from({ length: 120 }, (_, i) => h.send(pageview(`https://site.test/p${i % 7}`, { s: `visit${i}` }), { ip: `198.51.100.${i}` }));
    const hostile = Array.from({ length: 120 }, (_, i) => h.send({ k: PROTOTYPE_KEYS[i % PROTOTYPE_KEYS.length], u: 'https://site.test/', s: `evil${i}` }));
    const [good, bad] = await Promise.all([Promise.all(legit), Promise.all(hostile)]);
    expect(good.map((r) => r.status)).toEqual(good.map(() => 202));
    expect(new Set(bad.map((r) => r.status))).toEqual(new Set([400]));
    expect(await h.api('summary?period=today')).toMatchObject({ visits: 120, pageviews: 120 });
  });
});

describe('text the store could not write back', () => {
  it.each([
    ['url', { k: 'p', u: 'https://site.test/\ud800' }],
    ['referrer', { k: 'p', u: 'https://site.test/', r: 'https://a.test/\udfff' }],
    ['event name', { k: 'e', u: 'https://site.test/', n: 'Sign\ud800up' }],
    ['prop key', { k: 'e', u: 'https://site.test/', n: 'E', p: { ['k\udc00']: 'v' } }],
    ['prop value', { k: 'e', u: 'https://site.test/', n: 'E', p: { k: 'v\ud83d' } }],
  ])('answers 400 to a lone surrogate in the %s instead of storing a replacement character', async (_field, body) => {
    h = await harness({ publicDashboard: true });
    // JSON.stringify writes lone surrogates as \ud800 escapes: the body itself is valid UTF-8.
    const res = await h.send(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/lone surrogates/);
    expect(await h.api('summary?period=today')).toMatchObject({ pageviews: 0, events: 0 });
  });
});
