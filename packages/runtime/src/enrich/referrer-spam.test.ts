import { describe, expect, it } from 'vitest';
import { REFERRER_SPAM_DOMAINS } from './referrer-spam-list.ts';
import { isReferrerSpam } from './referrer-spam.ts';

describe('isReferrerSpam', () => {
  it.each(['semalt.com', 'buttons-for-website.com', 'darodar.com', 'ilovevitaly.com', 'priceg.com'])('flags the well-known spammer %s', (host) => {
    expect(isReferrerSpam(host)).toBe(true);
  });

  it('flags subdomains and ignores case and a trailing dot', () => {
    expect(isReferrerSpam('semalt.semalt.com')).toBe(true);
    expect(isReferrerSpam('www.Darodar.COM')).toBe(true);
    expect(isReferrerSpam('darodar.com.')).toBe(true);
    expect(isReferrerSpam(' forum.ilovevitaly.ru ')).toBe(true);
  });

  it('does not flag lookalikes, parents or ordinary sites', () => {
    expect(isReferrerSpam('notsemalt.com')).toBe(false);
    expect(isReferrerSpam('semalt.com.example.org')).toBe(false);
    expect(isReferrerSpam('com')).toBe(false);
    expect(isReferrerSpam('google.com')).toBe(false);
    expect(isReferrerSpam('news.ycombinator.com')).toBe(false);
    expect(isReferrerSpam('')).toBe(false);
  });

  it('keeps the list clean: lowercase hostnames, no duplicates, no shared parents', () => {
    for (const domain of REFERRER_SPAM_DOMAINS) {
      expect(domain).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    }
    expect(new Set(REFERRER_SPAM_DOMAINS).size).toBe(REFERRER_SPAM_DOMAINS.length);
    expect(REFERRER_SPAM_DOMAINS.length).toBeGreaterThan(300);
    for (const shared of ['ucoz.ru', 'kharkov.ua', 'tumblr.com', 'blogspot.com', 'github.io']) {
      expect(isReferrerSpam(shared)).toBe(false);
    }
  });
});
