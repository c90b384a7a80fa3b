import { describe, expect, it } from 'vitest';
import { apiParams, readViewState, viewHref, withFilter, withoutFilter } from './view-state.ts';

const state = (query: string) => readViewState('/_analytics', new URLSearchParams(query));

describe('view state in the URL', () => {
  it('reads defaults and keeps them out of links', () => {
    const s = state('');
    expect(s).toMatchObject({ period: '30d', compare: true, filters: [], prop: undefined });
    expect(s.tabs).toEqual({ sources: 'source', pages: 'page', locations: 'country', devices: 'browser', links: 'outbound' });
    expect(viewHref(s)).toBe('/_analytics');
  });

  it('ignores unknown tabs and periods instead of failing the page', () => {
    expect(state('sources=<b>&period=fortnight').tabs.sources).toBe('source');
    expect(state('period=fortnight').period).toBe('30d');
  });

  it('changes one thing at a time and keeps the rest', () => {
    const s = state('period=7d&compare=off&filter=source%3AGoogle&pages=exit_page');
    expect(viewHref(s, { period: 'today' })).toBe('/_analytics?period=today&filter=source%3AGoogle&compare=off&pages=exit_page');
    expect(viewHref(s, { compare: true })).toBe('/_analytics?period=7d&filter=source%3AGoogle&pages=exit_page');
    expect(viewHref(s, { tab: ['pages', 'page'] })).toBe('/_analytics?period=7d&filter=source%3AGoogle&compare=off');
    expect(apiParams(s).toString()).toBe('period=7d&filter=source%3AGoogle');
  });

  it('keeps from and to only for a custom period', () => {
    const s = state('period=custom&from=2026-01-01&to=2026-01-31');
    expect(apiParams(s).toString()).toBe('period=custom&from=2026-01-01&to=2026-01-31');
    expect(viewHref(s, { period: '7d' })).toBe('/_analytics?period=7d');
    expect(state('period=7d&from=2026-01-01').from).toBeUndefined();
  });

  it('adds a filter once, removes exactly one, and drops the prop of another event', () => {
    const s = state('filter=event%3ASignup&prop=plan');
    expect(withFilter(s, 'event:Signup')).toEqual({});
    expect(viewHref(s, withFilter(s, 'country:GB'))).toBe('/_analytics?filter=event%3ASignup&filter=country%3AGB&prop=plan');
    expect(viewHref(s, withFilter(s, 'event:Download'))).toBe('/_analytics?filter=event%3ASignup&filter=event%3ADownload');
    expect(viewHref(s, withoutFilter(s, 'event:Signup'))).toBe('/_analytics');
  });

  it('encodes hostile values as URL data', () => {
    const s = state('');
    const href = viewHref(s, withFilter(s, 'page:/"><script>x</script>&period=all'));
    expect(href).toBe('/_analytics?filter=page%3A%2F%22%3E%3Cscript%3Ex%3C%2Fscript%3E%26period%3Dall');
    expect(readViewState('/_analytics', new URL(href, 'http://x').searchParams).filters).toEqual(['page:/"><script>x</script>&period=all']);
  });
});
