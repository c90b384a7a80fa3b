import { describe, expect, it } from 'vitest';
import footfall from './index.ts';
import { serverOptions, type RouteConfig } from './route-config.ts';

const goals = ['Signup', { page: '/pricing' }];
const funnels = [{ name: 'Checkout', steps: ['Visit /pricing', 'Signup', { event: 'Purchase' }] }];

describe('funnels in @footfall/astro', () => {
  it('checks them at config time, naming the setting', () => {
    expect(() => footfall({ goals, funnels: [{ name: 'Checkout', steps: ['Signup'] }] })).toThrow(/FOOTFALL_FUNNELS.*needs 2 to 8 steps/);
    expect(() => footfall({ goals, funnels })).not.toThrow();
  });

  it('hands them to the server as written, resolved against the goals when it starts', () => {
    // The virtual module is JSON: what the routes receive is the options after a round trip.
    const config = JSON.parse(
      JSON.stringify({ options: { goals, funnels }, dev: false, sitePrefix: '', trailingSlash: 'ignore', collectorBase: '/_footfall', dashboardBase: '/_analytics' }),
    ) as RouteConfig;
    expect(serverOptions(config, {}).funnels).toEqual([
      {
        name: 'Checkout',
        steps: [
          { kind: 'page', name: 'Visit /pricing', page: '/pricing' },
          { kind: 'event', name: 'Signup', event: 'Signup' },
          { kind: 'event', name: 'Purchase', event: 'Purchase' },
        ],
      },
    ]);
    expect(serverOptions(config, { FOOTFALL_FUNNELS: '[]' }).funnels).toEqual([]);
  });
});
