import { describe, expect, it } from 'vitest';
import { resolveViteOptions } from './options.ts';
import { trackerFor } from './tracker.ts';

const resolve = (options: Parameters<typeof resolveViteOptions>[0], env: Record<string, string> = {}) => resolveViteOptions(options, env, '/srv/site');

describe('endpoint', () => {
  it("defaults to this site's own collector, following collectorBase", () => {
    expect(resolve({}).endpoint).toBe('/_footfall/e');
    expect(resolve({ collectorBase: '/_ff' }).endpoint).toBe('/_ff/e');
  });

  it('takes the full URL of a remote collector; FOOTFALL_ENDPOINT wins over code', () => {
    expect(resolve({ endpoint: 'https://stats.example.com/_footfall/e' }).endpoint).toBe('https://stats.example.com/_footfall/e');
    expect(resolve({ endpoint: '/a/e' }, { FOOTFALL_ENDPOINT: 'https://ff.example.org/x/e' }).endpoint).toBe('https://ff.example.org/x/e');
  });

  it('names the variable when the bad value came from the environment', () => {
    expect(() => resolve({}, { FOOTFALL_ENDPOINT: 'nope' })).toThrow(/^@footfall\/runtime: FOOTFALL_ENDPOINT is "nope"/);
  });
});

describe('tracker', () => {
  it('carries only non-default settings, so the default page weight stays minimal', () => {
    expect(trackerFor(resolve({}))).toMatch(/\}\)\(\{\}\)$/);
    const custom = trackerFor(resolve({ endpoint: 'https://stats.example.com/_footfall/e', allowLocalhost: true }));
    expect(custom).toContain('"e":"https://stats.example.com/_footfall/e"');
    expect(custom).toContain('"l":1');
  });

  it('reads runtime options from the environment too (FOOTFALL_* wins)', () => {
    expect(trackerFor(resolve({ allowLocalhost: false }, { FOOTFALL_ALLOW_LOCALHOST: 'true' }))).toContain('"l":1');
  });
});

describe('goals', () => {
  it('resolves goals from code or FOOTFALL_GOALS, and stops on a bad one naming the setting', () => {
    expect(resolve({ goals: ['Signup', { page: '/blog/*' }] }).runtime.goals.map((g) => g.name)).toEqual(['Signup', 'Visit /blog/*']);
    expect(resolve({}, { FOOTFALL_GOALS: '["Purchase"]' }).runtime.goals.map((g) => g.name)).toEqual(['Purchase']);
    expect(() => resolve({ goals: ['A', 'A'] })).toThrow(/FOOTFALL_GOALS.*duplicate/);
  });
});
