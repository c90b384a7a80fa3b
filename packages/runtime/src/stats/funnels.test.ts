import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../options.ts';
import { funnelAnswer, funnelProblem, parseFunnels, stepsKey, stepsReached } from './funnels.ts';
import { parseGoals } from './goals.ts';
import type { Goal } from '../model/stats.ts';

const GOALS = parseGoals([{ event: 'Purchase', revenue: 'amount' }, { page: '/docs/**' }]) as readonly Goal[];

describe('parseFunnels', () => {
  it('reads steps as goals: a configured goal by name, else an event name, { event } or { page }', () => {
    expect(parseFunnels([{ name: 'Checkout', steps: [{ page: '/pricing' }, 'Signup', 'Purchase', 'Visit /docs/**', { event: 'Paid' }] }], GOALS)).toEqual([
      {
        name: 'Checkout',
        steps: [
          { kind: 'page', name: 'Visit /pricing', page: '/pricing' },
          { kind: 'event', name: 'Signup', event: 'Signup' },
          { kind: 'event', name: 'Purchase', event: 'Purchase', revenue: 'amount' },
          { kind: 'page', name: 'Visit /docs/**', page: '/docs/**' },
          { kind: 'event', name: 'Paid', event: 'Paid' },
        ],
      },
    ]);
  });

  it('names what is wrong with a bad funnel', () => {
    const two = ['A', 'B'];
    expect(parseFunnels({})).toEqual({ error: 'not an array' });
    expect(parseFunnels([{ name: 'F', steps: ['A'] }])).toEqual({ error: 'funnel 1 ("F") needs 2 to 8 steps' });
    expect(parseFunnels([{ name: 'F', steps: Array(9).fill('A') }])).toEqual({ error: 'funnel 1 ("F") needs 2 to 8 steps' });
    expect(parseFunnels([{ name: '', steps: two }])).toEqual({ error: 'funnel 1 needs a name of 1-120 characters without control characters' });
    expect(parseFunnels([{ name: 'F', steps: two, extra: 1 }])).toEqual({ error: 'funnel 1 has unknown key "extra" (allowed: name, steps)' });
    expect(
      parseFunnels([
        { name: 'F', steps: two },
        { name: 'F', steps: two },
      ]),
    ).toEqual({ error: 'funnel 2 ("F") is a duplicate name' });
    expect(parseFunnels([{ name: 'F', steps: ['A', { page: 'pricing' }] }])).toMatchObject({ error: /^funnel 1 \("F"\) step 2 needs a path pattern starting with \// });
    expect(parseFunnels([{ name: 'F', steps: ['A', { event: 'B', revenue: 'x' }] }])).toEqual({ error: 'funnel 1 ("F") step 2 has a revenue, which only goals carry' });
    expect(parseFunnels(['F'])).toEqual({ error: 'funnel 1 ("F") is not an object { name, steps }' });
    expect(parseFunnels(Array.from({ length: 21 }, (_, i) => ({ name: `F${i}`, steps: two })))).toEqual({ error: '21 funnels (at most 20)' });
  });

  it('takes funnels in code or as JSON in FOOTFALL_FUNNELS, beside the goals, and names the setting on a bad one', () => {
    expect(resolveOptions({}, {}, '/').funnels).toEqual([]);
    const funnels = [{ name: 'Checkout', steps: ['Visit /docs/**', 'Purchase'] }];
    const expected = [{ name: 'Checkout', steps: GOALS.slice().reverse() }];
    expect(resolveOptions({ goals: [{ event: 'Purchase', revenue: 'amount' }, { page: '/docs/**' }], funnels }, {}, '/').funnels).toEqual(expected);
    expect(
      resolveOptions(
        { funnels: [] },
        { FOOTFALL_GOALS: JSON.stringify([{ event: 'Purchase', revenue: 'amount' }, { page: '/docs/**' }]), FOOTFALL_FUNNELS: JSON.stringify(funnels) },
        '/',
      ).funnels,
    ).toEqual(expected);
    // Without the goal, "Visit /docs/**" is an event name.
    expect(resolveOptions({ funnels }, {}, '/').funnels[0]!.steps[0]).toEqual({ kind: 'event', name: 'Visit /docs/**', event: 'Visit /docs/**' });
    expect(() => resolveOptions({}, { FOOTFALL_FUNNELS: 'Checkout' }, '/')).toThrow(/FOOTFALL_FUNNELS is "Checkout"; allowed: JSON: up to 20 funnels/);
    expect(() => resolveOptions({ funnels: [{ name: 'F', steps: ['A'] }] }, {}, '/')).toThrow(
      /footfall\(\{ funnels \}\) \(or FOOTFALL_FUNNELS\) is .*; allowed: up to 20 funnels.*\(funnel 1 \("F"\) needs 2 to 8 steps\)/,
    );
  });
});

describe('stepsReached', () => {
  const [page, purchase] = [GOALS[1]!, GOALS[0]!];
  const pv = (ts: number, path: string) => ({ ts, kind: 'pageview' as const, path });
  const ev = (ts: number, name: string) => ({ ts, kind: 'event' as const, path: '/', name });
  it('takes the steps in time order, whatever the order of arrival, each strictly after the last', () => {
    expect(stepsReached([page, purchase], [ev(2, 'Purchase'), pv(1, '/docs/a')])).toBe(2);
    expect(stepsReached([page, purchase], [ev(1, 'Purchase'), pv(2, '/docs/a')])).toBe(1);
    expect(stepsReached([page, purchase], [ev(1, 'Purchase'), pv(1, '/docs/a')])).toBe(1);
    expect(stepsReached([page, page, purchase], [pv(1, '/docs'), pv(3, '/about'), pv(5, '/docs/x/y'), ev(9, 'Purchase')])).toBe(3);
    expect(stepsReached([page, page], [pv(1, '/docs')])).toBe(1);
    expect(stepsReached([purchase, page], [])).toBe(0);
  });
});

describe('funnelAnswer and funnelProblem', () => {
  it('gives conversion from the first step and drop-off from the previous one', () => {
    const funnel = { name: 'F', steps: GOALS };
    expect(funnelAnswer(funnel, [0, 0]).steps[1]).toEqual({ name: 'Visit /docs/**', visitors: 0, conversion_rate: 0, dropoff: 0, dropoff_rate: 0 });
    expect(funnelAnswer(funnel, [3, 1])).toEqual({
      name: 'F',
      entered: 3,
      steps: [
        { name: 'Purchase', visitors: 3, conversion_rate: 100, dropoff: 0, dropoff_rate: 0 },
        { name: 'Visit /docs/**', visitors: 1, conversion_rate: 33.3, dropoff: 2, dropoff_rate: 66.7 },
      ],
    });
  });

  it('says which funnels there are when none is named or the name is unknown', () => {
    const funnels = [{ name: 'A', steps: GOALS }];
    expect(funnelProblem([], 'A')).toMatch(/this site has no funnels: set the funnels option \(or FOOTFALL_FUNNELS\)/);
    expect(funnelProblem(funnels, null)).toBe('name: which funnel? funnels: "A"');
    expect(funnelProblem(funnels, 'B')).toBe('name: unknown funnel "B"; funnels: "A"');
    expect(funnelProblem(funnels, 'A')).toBeUndefined();
  });

  it('keys kept counts by what the steps match, not their names', () => {
    expect(stepsKey(GOALS)).toBe(stepsKey(GOALS.map((g) => ({ ...g, name: 'x' }))));
    expect(stepsKey(GOALS)).not.toBe(stepsKey(GOALS.slice().reverse()));
  });
});
