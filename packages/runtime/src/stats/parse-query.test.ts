import { describe, expect, it } from 'vitest';
import { parseQuery, type QueryContext } from './parse-query.ts';
import type { Query } from '../model/query.ts';

const NOW = Date.UTC(2026, 2, 10, 15, 30); // 2026-03-10 15:30 UTC

function context(earliest?: number) {
  const asked = { earliest: 0 };
  const ctx: QueryContext = {
    now: NOW,
    timezone: 'UTC',
    earliest: async () => {
      asked.earliest++;
      return earliest;
    },
  };
  return { ctx, asked };
}

async function read(search: string, options?: { interval?: boolean }): Promise<Query> {
  const query = await parseQuery(new URLSearchParams(search), context(Date.UTC(2025, 0, 5)).ctx, options);
  if ('error' in query) throw new Error(query.error);
  return query;
}

async function error(search: string): Promise<string> {
  const query = await parseQuery(new URLSearchParams(search), context().ctx);
  if (!('error' in query)) throw new Error(`${search} parsed`);
  return query.error;
}

describe('one query from the URL', () => {
  it('defaults to the last 30 days, compared, unfiltered, by day', async () => {
    const q = await read('');
    expect(q).toMatchObject({ period: '30d', comparison: true, filters: [], interval: 'day' });
    expect(q.range).toMatchObject({ period: '30d', firstDay: '2026-02-09', lastDay: '2026-03-10' });
    expect(q.stats).toEqual({ from: q.range.from, to: q.range.to, filters: [] });
  });

  it('reads period, from and to', async () => {
    expect((await read('period=7d')).range).toMatchObject({ firstDay: '2026-03-04', lastDay: '2026-03-10' });
    expect((await read('period=custom&from=2026-01-01&to=2026-01-31')).range).toMatchObject({ period: 'custom', firstDay: '2026-01-01', lastDay: '2026-01-31' });
    // from and to belong to a custom period only.
    expect((await read('period=today&from=2020-01-01&to=2020-01-02')).range.firstDay).toBe('2026-03-10');
  });

  it('asks for the oldest event only for period=all', async () => {
    const { ctx, asked } = context(Date.UTC(2025, 0, 5));
    await parseQuery(new URLSearchParams('period=7d'), ctx);
    expect(asked.earliest).toBe(0);
    const all = await parseQuery(new URLSearchParams('period=all'), ctx);
    expect(asked.earliest).toBe(1);
    expect(all).toMatchObject({ range: { firstDay: '2025-01-05', lastDay: '2026-03-10' }, interval: 'month' });
  });

  it('reads interval unless told the caller charts at its own step', async () => {
    expect((await read('period=7d&interval=hour')).interval).toBe('hour');
    expect((await read('period=7d&interval=hour', { interval: false })).interval).toBe('day');
    expect((await read('period=12mo&interval=week', { interval: false })).interval).toBe('month');
  });

  it('keeps filters in URL order and groups them for the store', async () => {
    const q = await read('filter=source:Google&filter=prop:plan:pro&filter=source:Bing&filter=page:/a:b');
    expect(q.filters).toEqual([
      { property: 'source', value: 'Google' },
      { property: 'prop:plan', value: 'pro' },
      { property: 'source', value: 'Bing' },
      { property: 'page', value: '/a:b' },
    ]);
    expect(q.stats.filters).toEqual([
      { property: 'source', values: ['Google', 'Bing'] },
      { property: 'prop:plan', values: ['pro'] },
      { property: 'page', values: ['/a:b'] },
    ]);
  });

  it('turns the comparison off with compare=off only', async () => {
    expect((await read('compare=off')).comparison).toBe(false);
    expect((await read('compare=on')).comparison).toBe(true);
  });

  it('names the parameter in every error', async () => {
    expect(await error('period=fortnight')).toMatch(/^period must be one of today, yesterday, 7d, 30d/);
    expect(await error('interval=week')).toMatch(/^interval must be one of hour, day, month/);
    expect(await error('period=custom&from=2026-01-01')).toMatch(/period=custom needs from and to/);
    expect(await error('period=custom&from=2026-02-30&to=2026-03-01')).toMatch(/needs from and to as YYYY-MM-DD/);
    expect(await error('period=custom&from=2026-03-02&to=2026-03-01')).toMatch(/^from must not be after to/);
    expect(await error('period=custom&from=2000-01-01&to=2026-03-01')).toMatch(/^from and to may span at most/);
    expect(await error('filter=colour:red')).toMatch(/^unknown filter property "colour"/);
    expect(await error('filter=page')).toMatch(/^filter "page" needs a value/);
    expect(await error('filter=page:')).toMatch(/^filter "page:" needs a value/);
    expect(await error('filter=prop:plan')).toMatch(/^filter "prop:plan" must look like prop:key:value/);
  });
});
