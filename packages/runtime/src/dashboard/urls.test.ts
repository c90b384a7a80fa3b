import { describe, expect, it } from 'vitest';
import { dashboardUrls, styledPath } from './urls.ts';

describe('dashboard URLs in the host style', () => {
  it('adds a slash to every address under always, file names included', () => {
    expect(dashboardUrls('/docs/_analytics', '/docs/_footfall', 'always')).toEqual({
      page: '/docs/_analytics/',
      login: '/docs/_analytics/login/',
      logout: '/docs/_analytics/logout/',
      realtime: '/docs/_analytics/api/realtime/',
      exportCsv: '/docs/_analytics/export.csv/',
      privacy: '/docs/_footfall/privacy/',
      collector: '/docs/_footfall/e/',
    });
  });

  it('writes no trailing slash under never and ignore', () => {
    for (const style of ['never', 'ignore'] as const) {
      const urls = dashboardUrls('/_analytics', '/_footfall', style);
      expect(
        Object.values(urls).every((url) => !url.endsWith('/')),
        style,
      ).toBe(true);
      expect(urls.login).toBe('/_analytics/login');
    }
  });

  it('never doubles or drops the root', () => {
    expect(styledPath('/a/', 'always')).toBe('/a/');
    expect(styledPath('/a/', 'never')).toBe('/a');
    expect(styledPath('/', 'never')).toBe('/');
    expect(styledPath('/a/', 'ignore')).toBe('/a/');
  });
});
