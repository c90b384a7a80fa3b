import { describe, expect, it } from 'vitest';
import { injectTracker, trackerElement } from './host.ts';
import { ownsPath } from './http/request-path.ts';

describe('host helpers', () => {
  const element = trackerElement('t()');

  it('puts the tracker before </head>, once, and leaves pages without a head alone', () => {
    const page = '<!doctype html><html><head><meta charset="utf-8"><title>x</title></HEAD><body></body></html>';
    const once = injectTracker(page, element);
    expect(once).toBe('<!doctype html><html><head><meta charset="utf-8"><title>x</title><script data-footfall>t()</script></HEAD><body></body></html>');
    expect(injectTracker(once, element)).toBe(once);
    expect(injectTracker('<p>a streamed chunk</p>', element)).toBe('<p>a streamed chunk</p>');
  });

  it('owns exactly the collector and dashboard paths', () => {
    const bases = { collectorBase: '/_footfall', dashboardBase: '/_analytics' };
    expect(['/_footfall/e', '/_footfall/privacy', '/_analytics', '/_analytics/api/summary'].every((p) => ownsPath(p, bases))).toBe(true);
    expect(['/', '/_footfallx', '/_analytics-old', '/blog/_analytics'].some((p) => ownsPath(p, bases))).toBe(false);
  });
});
