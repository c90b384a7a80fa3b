import { describe, expect, it } from 'vitest';
import type { QueryFilter } from '../model/query.ts';
import { parseQuery } from '../stats/parse-query.ts';
import { parseFilter } from '../stats/query.ts';
import { CARDS } from './cards/index.ts';
import { apiParams, viewHref, viewState, withFilter, withoutFilter } from './view-state.ts';

const NOW = Date.UTC(2026, 2, 10, 15, 30);

async function state(search: string) {
  const params = new URLSearchParams(search);
  const query = await parseQuery(params, { now: NOW, timezone: 'UTC', earliest: async () => undefined });
  if ('error' in query) throw new Error(query.error);
  return viewState('/_analytics', query, params, CARDS);
}

const filter = (text: string): QueryFilter => {
  const parsed = parseFilter(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
};

describe('view state in the URL', () => {
  it('reads defaults and keeps them out of links', async () => {
    const s = await state('');
    expect(s).toMatchObject({ period: '30d', compare: true, filters: [], prop: undefined });
    expect(s.tabs).toEqual({ sources: 'source', pages: 'page', locations: 'country', devices: 'browser', links: 'outbound' });
    expect(viewHref(s)).toBe('/_analytics');
  });

  it('ignores unknown tabs instead of failing the page', async () => {
    expect((await state('sources=<b>&period=7d')).tabs.sources).toBe('source');
  });

  it('changes one thing at a time and keeps the rest', async () => {
    const s = await state('period=7d&compare=off&filter=source%3AGoogle&pages=exit_page');
    expect(viewHref(s, { period: 'today' })).toBe('/_analytics?period=today&filter=source%3AGoogle&compare=off&pages=exit_page');
    expect(viewHref(s, { compare: true })).toBe('/_analytics?period=7d&filter=source%3AGoogle&pages=exit_page');
    expect(viewHref(s, { tab: ['pages', 'page'] })).toBe('/_analytics?period=7d&filter=source%3AGoogle&compare=off');
    expect(apiParams(s).toString()).toBe('period=7d&filter=source%3AGoogle');
  });

  it('keeps from and to only for a custom period', async () => {
    const s = await state('period=custom&from=2026-01-01&to=2026-01-31');
    expect(apiParams(s).toString()).toBe('period=custom&from=2026-01-01&to=2026-01-31');
    expect(viewHref(s, { period: '7d' })).toBe('/_analytics?period=7d');
    expect((await state('period=7d&from=2026-01-01')).from).toBeUndefined();
  });

  it('adds a filter once, removes exactly one, and drops the prop of another event', async () => {
    const s = await state('filter=event%3ASignup&prop=plan');
    expect(withFilter(s, filter('event:Signup'))).toEqual({});
    expect(viewHref(s, withFilter(s, filter('country:GB')))).toBe('/_analytics?filter=event%3ASignup&filter=country%3AGB&prop=plan');
    expect(viewHref(s, withFilter(s, filter('event:Download')))).toBe('/_analytics?filter=event%3ASignup&filter=event%3ADownload');
    expect(viewHref(s, withoutFilter(s, filter('event:Signup')))).toBe('/_analytics');
  });

  it('encodes hostile values as URL data', async () => {
    const s = await state('');
    const href = viewHref(s, withFilter(s, filter('page:/"><script>x</script>&period=all')));
    expect(href).toBe('/_analytics?filter=page%3A%2F%22%3E%3Cscript%3Ex%3C%2Fscript%3E%26period%3Dall');
    expect((await state(new URL(href, 'http://x').search)).filters).toEqual([{ property: 'page', value: '/"><script>x</script>&period=all' }]);
  });
});
