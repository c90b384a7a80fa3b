import { describe, expect, it } from 'vitest';
import { nonHumanReason } from './non-human.ts';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

const headers = (init: Record<string, string>) => new Headers(init);

describe('nonHumanReason', () => {
  it.each([
    ['Chrome on Windows', CHROME],
    ['Safari on iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'],
    ['Firefox on Linux', 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0'],
    ['Edge', `${CHROME} Edg/124.0.2478.80`],
    // Electron desktop apps are used by people.
    [
      'Slack (Electron)',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Slack/4.38.125 Chrome/124.0.6367.243 Electron/30.4.0 Safari/537.36 Sonic Slack_SSB/4.38.125',
    ],
  ])('lets %s through', (_name, ua) => {
    expect(nonHumanReason(headers({ 'user-agent': ua }))).toBeUndefined();
  });

  it.each([
    [{ 'sec-purpose': 'prefetch' }],
    [{ 'sec-purpose': 'prefetch;prerender' }],
    [{ 'Sec-Purpose': 'Prefetch;anonymous-client-ip' }],
    [{ purpose: 'prefetch' }],
    [{ 'x-purpose': 'preview' }],
    [{ 'x-moz': 'prefetch' }],
  ])('spots a speculative load: %j', (init) => {
    expect(nonHumanReason(headers({ 'user-agent': CHROME, ...init }))).toBe('prefetch');
  });

  it('checks prefetch before anything else', () => {
    expect(nonHumanReason(headers({ 'sec-purpose': 'prefetch' }))).toBe('prefetch');
    expect(nonHumanReason(headers({ purpose: 'prefetch', 'user-agent': 'curl/8.4.0' }))).toBe('prefetch');
  });

  it('ignores unrelated purpose values', () => {
    expect(nonHumanReason(headers({ 'user-agent': CHROME, purpose: 'other', 'x-moz': 'none' }))).toBeUndefined();
  });

  it.each([[{}], [{ 'user-agent': '' }], [{ 'user-agent': '   ' }]])('flags a missing user agent: %j', (init) => {
    expect(nonHumanReason(headers(init))).toBe('no-user-agent');
  });

  it.each([
    ['HeadlessChrome', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36'],
    ['PhantomJS', 'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1'],
    ['Lighthouse', 'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse'],
    ['jsdom', 'Mozilla/5.0 (linux) AppleWebKit/537.36 (KHTML, like Gecko) jsdom/24.0.0'],
    ['Cypress', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Cypress/13.6.0 Chrome/114.0.5735.289 Electron/25.8.4 Safari/537.36'],
  ])('flags the headless browser %s', (_name, ua) => {
    expect(nonHumanReason(headers({ 'user-agent': ua }))).toBe('headless');
  });

  it.each([
    ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
    ['bingbot', 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36'],
    ['GPTBot', 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)'],
    ['facebookexternalhit', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)'],
    ['curl', 'curl/8.4.0'],
    ['python-requests', 'python-requests/2.31.0'],
    ['Go', 'Go-http-client/1.1'],
    ['Wget', 'Wget/1.21.4'],
  ])('flags the bot %s', (_name, ua) => {
    expect(nonHumanReason(headers({ 'user-agent': ua }))).toBe('bot');
  });
});
