import { describe, expect, it } from 'vitest';
import { parseUserAgent } from './user-agent.ts';

// Real User-Agent strings as browsers sent them (versions frozen).
const UA = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  firefoxUbuntu: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  firefoxFedora: 'Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  samsungTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Safari/537.36',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  chromeAndroid: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  webViewAndroid: 'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36',
  chromebook: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  firefoxAndroid: 'Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0',
  tizenTv: 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36',
  playStation: 'Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15',
  galaxyWatch: 'Mozilla/5.0 (Linux; Android 11; SM-R875F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0 Mobile Safari/537.36',
};

describe('parseUserAgent', () => {
  it.each([
    ['Chrome on Windows', UA.chromeWindows, { browser: 'Chrome', os: 'Windows', device: 'desktop' }],
    ['Safari on iPhone', UA.safariIphone, { browser: 'Safari', os: 'iOS', device: 'mobile' }],
    ['Firefox on Ubuntu', UA.firefoxUbuntu, { browser: 'Firefox', os: 'Linux', device: 'desktop' }],
    ['Firefox on Fedora', UA.firefoxFedora, { browser: 'Firefox', os: 'Linux', device: 'desktop' }],
    ['Samsung tablet', UA.samsungTablet, { browser: 'Samsung Internet', os: 'Android', device: 'tablet' }],
    ['Edge on Windows', UA.edgeWindows, { browser: 'Edge', os: 'Windows', device: 'desktop' }],
    ['Safari on a Mac', UA.safariMac, { browser: 'Safari', os: 'macOS', device: 'desktop' }],
    ['Chrome on Android', UA.chromeAndroid, { browser: 'Chrome', os: 'Android', device: 'mobile' }],
    ['Android WebView', UA.webViewAndroid, { browser: 'Chrome WebView', os: 'Android', device: 'mobile' }],
    ['Chromebook', UA.chromebook, { browser: 'Chrome', os: 'Chrome OS', device: 'desktop' }],
    ['Firefox on Android', UA.firefoxAndroid, { browser: 'Firefox', os: 'Android', device: 'mobile' }],
    ['Samsung smart TV', UA.tizenTv, { browser: 'Samsung Internet', os: 'Tizen', device: 'tv' }],
    ['PlayStation 5', UA.playStation, { browser: 'Safari', os: 'PlayStation', device: 'console' }],
    ['Galaxy Watch', UA.galaxyWatch, { browser: 'Chrome', os: 'Android', device: 'wearable' }],
  ])('%s', (_name, ua, expected) => {
    expect(parseUserAgent(ua)).toEqual(expected);
  });

  it('answers "other" with no names for an empty or unreadable UA', () => {
    expect(parseUserAgent('')).toEqual({ device: 'other' });
    expect(parseUserAgent('curl/8.4.0')).toEqual({ device: 'other' });
    expect(parseUserAgent('💥'.repeat(1000))).toEqual({ device: 'other' });
  });

  it('never echoes the raw string', () => {
    const info = parseUserAgent(UA.chromeWindows);
    expect(Object.keys(info).sort()).toEqual(['browser', 'device', 'os']);
    expect(JSON.stringify(info)).not.toContain('537.36');
  });
});
