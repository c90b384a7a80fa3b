import { describe, expect, it } from 'vitest';
import { resolveViteOptions } from './options.ts';

describe('funnels in @footfall/vite', () => {
  it('resolves them beside the goals, from code or FOOTFALL_FUNNELS, and names the setting on a bad one', () => {
    const funnels = [{ name: 'Checkout', steps: [{ page: '/pricing' }, 'Signup'] }];
    const expected = [
      {
        name: 'Checkout',
        steps: [
          { kind: 'page', name: 'Visit /pricing', page: '/pricing' },
          { kind: 'event', name: 'Signup', event: 'Signup' },
        ],
      },
    ];
    expect(resolveViteOptions({ goals: ['Signup'], funnels }, {}, '/srv/site').runtime.funnels).toEqual(expected);
    expect(resolveViteOptions({}, { FOOTFALL_FUNNELS: JSON.stringify(funnels) }, '/srv/site').runtime.funnels).toEqual(expected);
    expect(() => resolveViteOptions({ funnels: [...funnels, ...funnels] }, {}, '/srv/site')).toThrow(/FOOTFALL_FUNNELS.*"Checkout"\) is a duplicate name/);
  });
});
