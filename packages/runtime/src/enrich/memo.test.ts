import { describe, expect, it, vi } from 'vitest';
import { memoize } from './memo.ts';
import { parseUserAgent } from './user-agent.ts';

describe('memoize', () => {
  it('answers what the function answers, undefined included, computing each key once', () => {
    const fn = vi.fn((key: string) => (key.startsWith('bot') ? 'bot' : undefined));
    const cached = memoize(fn);
    for (let i = 0; i < 3; i++) {
      expect(cached('bot 1')).toBe('bot');
      expect(cached('person')).toBeUndefined();
    }
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('stays bounded: a flood of one-off keys is forgotten', () => {
    const fn = vi.fn((key: string) => key.length);
    const cached = memoize(fn, 10);
    for (let i = 0; i < 100; i++) cached(`one-off ${i}`);
    fn.mockClear();
    cached('one-off 0');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('keeps a key in use through a flood of one-off keys', () => {
    const fn = vi.fn((key: string) => key.length);
    const cached = memoize(fn, 10);
    cached('common');
    for (let i = 0; i < 100; i++) {
      cached(`one-off ${i}`);
      if (i % 5 === 0) cached('common');
    }
    expect(fn.mock.calls.filter(([key]) => key === 'common')).toHaveLength(1);
  });
});

describe('parseUserAgent, cached', () => {
  const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

  it('gives the same answer from the cache as on first sight, for every user agent of a turnover', () => {
    const first = [parseUserAgent(CHROME), parseUserAgent(IPHONE)];
    // More distinct agents than the cache holds, so both generations turn over.
    for (let i = 0; i < 5000; i++) parseUserAgent(`${CHROME} build/${i}`);
    expect([parseUserAgent(CHROME), parseUserAgent(IPHONE)]).toEqual(first);
    expect(first).toEqual([
      { browser: 'Chrome', os: 'Windows', device: 'desktop' },
      { browser: 'Safari', os: 'iOS', device: 'mobile' },
    ]);
  });
});
