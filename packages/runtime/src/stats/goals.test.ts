import { describe, expect, it } from 'vitest';
import { goalName, matchesGoal, parseGoals, patternRegex, plainGoalFilters } from './goals.ts';
import type { Goal } from '../model/stats.ts';

const page = (pattern: string): Goal => ({ kind: 'page', name: goalName({ page: pattern }), page: pattern });
const view = (path: string) => ({ kind: 'pageview' as const, path });
const matches = (pattern: string, path: string) => matchesGoal(page(pattern), view(path));

describe('page patterns', () => {
  it('* is exactly one path segment', () => {
    expect(matches('/blog/*', '/blog/a')).toBe(true);
    expect(matches('/blog/*', '/blog/a/')).toBe(true);
    expect(matches('/blog/*', '/blog')).toBe(false);
    expect(matches('/blog/*', '/blog/')).toBe(false);
    expect(matches('/blog/*', '/blog/a/b')).toBe(false);
    expect(matches('/*/edit', '/posts/edit')).toBe(true);
    expect(matches('/*/edit', '/posts/1/edit')).toBe(false);
  });

  it('** is any number of segments, none included', () => {
    expect(matches('/blog/**', '/blog')).toBe(true);
    expect(matches('/blog/**', '/blog/')).toBe(true);
    expect(matches('/blog/**', '/blog/a')).toBe(true);
    expect(matches('/blog/**', '/blog/a/b/c')).toBe(true);
    expect(matches('/blog/**', '/blogger')).toBe(false);
    expect(matches('/blog/**', '/')).toBe(false);
    expect(matches('/**/edit', '/edit')).toBe(true);
    expect(matches('/**/edit', '/a/b/edit')).toBe(true);
    expect(matches('/**/edit', '/a/b/edit/x')).toBe(false);
  });

  it('ignores a trailing slash, and / is the root only', () => {
    expect(matches('/about', '/about/')).toBe(true);
    expect(matches('/about/', '/about')).toBe(true);
    expect(matches('/about', '/about/team')).toBe(false);
    expect(matches('/', '/')).toBe(true);
    expect(matches('/', '/about')).toBe(false);
    expect(matches('/**', '/')).toBe(true);
    expect(matches('/**', '/any/thing')).toBe(true);
  });

  it('reads other characters literally', () => {
    expect(matches('/a.b', '/a.b')).toBe(true);
    expect(matches('/a.b', '/axb')).toBe(false);
    expect(matches('/(x)+', '/(x)+')).toBe(true);
    expect(patternRegex('/price$/[a]')).toBe('^/price\\$/\\[a\\]/?$');
  });

  it('matches pageviews only, and event goals match their custom event only', () => {
    expect(matchesGoal(page('/signup'), { kind: 'event', name: 'x', path: '/signup' })).toBe(false);
    const signup: Goal = { kind: 'event', name: 'Signup', event: 'Signup' };
    expect(matchesGoal(signup, { kind: 'event', name: 'Signup', path: '/' })).toBe(true);
    expect(matchesGoal(signup, { kind: 'event', name: 'signup', path: '/' })).toBe(false);
    expect(matchesGoal(signup, { kind: 'pageview', path: '/Signup' })).toBe(false);
  });
});

describe('parseGoals', () => {
  it('names goals: the event, or Visit <pattern>', () => {
    expect(parseGoals(['Signup', { event: 'Purchase', revenue: 'amount' }, { page: '/blog/**' }])).toEqual([
      { kind: 'event', name: 'Signup', event: 'Signup' },
      { kind: 'event', name: 'Purchase', event: 'Purchase', revenue: 'amount' },
      { kind: 'page', name: 'Visit /blog/**', page: '/blog/**' },
    ]);
    expect(parseGoals([])).toEqual([]);
  });

  it.each([
    ['not a list', 'Signup', /not an array/],
    ['an empty name', [''], /event name of 1-120/],
    ['a long name', ['x'.repeat(121)], /event name of 1-120/],
    ['a duplicate', ['Signup', { event: 'Signup' }], /duplicate/],
    ['a duplicate pattern', [{ page: '/a' }, { page: '/a' }], /duplicate/],
    ['a pattern without /', [{ page: 'blog/**' }], /starting with \//],
    ['a partial wildcard', [{ page: '/blog/a*' }], /whole path segments/],
    ['a query', [{ page: '/a?b=1' }], /no spaces, query/],
    ['a numeric revenue prop', [{ event: 'Purchase', revenue: 3 }], /revenue that is not a prop name/],
    ['revenue on a page goal', [{ page: '/a', revenue: 'x' }], /only event goals/],
    ['both kinds', [{ page: '/a', event: 'b' }], /both/],
    ['an unknown key', [{ name: 'x' }], /unknown key "name"/],
    ['too many', Array.from({ length: 51 }, (_, i) => `E${i}`), /at most 50/],
  ])('refuses %s', (_, value, message) => {
    const parsed = parseGoals(value);
    expect('error' in parsed && parsed.error).toMatch(message);
  });
});

describe('plainGoalFilters', () => {
  const goals: Goal[] = [{ kind: 'event', name: 'Signup', event: 'Signup' }, page('/blog/**')];
  it('spells one event goal as its event filter, so rollups answer it', () => {
    const q = { from: 0, to: 1, goals, filters: [{ property: 'goal' as const, values: ['Signup'] }] };
    expect(plainGoalFilters(q).filters).toEqual([{ property: 'event', values: ['Signup'] }]);
  });
  it('keeps page goals, several goals, and event goals beside an event filter', () => {
    for (const filters of [
      [{ property: 'goal' as const, values: ['Visit /blog/**'] }],
      [{ property: 'goal' as const, values: ['Signup', 'Visit /blog/**'] }],
      [
        { property: 'event' as const, values: ['Other'] },
        { property: 'goal' as const, values: ['Signup'] },
      ],
    ]) {
      expect(plainGoalFilters({ from: 0, to: 1, goals, filters }).filters).toEqual(filters);
    }
  });
});
