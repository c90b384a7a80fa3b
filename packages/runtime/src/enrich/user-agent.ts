// ua-parser-js 1.x is CommonJS with `export =` types, so under NodeNext the default import is
// the constructor itself. Stay on 1.0.x: 2.x is AGPL-3.0, and 1.0.41 caps input at 500 chars.
import UAParser from 'ua-parser-js';
import { memoize } from './memo.ts';

export interface UserAgentInfo {
  browser?: string;
  os?: string;
  device: 'desktop' | 'mobile' | 'tablet' | 'tv' | 'console' | 'wearable' | 'other';
}

// One name per product, so the dashboard does not split a browser by platform. Maps, not object
// literals: some names come from the user agent itself, and `constructor` must stay a string.
const BROWSER_NAMES = new Map([
  ['Mobile Safari', 'Safari'],
  ['Mobile Firefox', 'Firefox'],
  ['Mobile Chrome', 'Chrome'],
  ['Chrome Mobile', 'Chrome'],
  ['Opera Mobi', 'Opera'],
  ['Opera Mini', 'Opera Mini'],
  ['Samsung Browser', 'Samsung Internet'],
]);

// Distribution names add detail that says more about the person than about the site's audience.
const LINUX_DISTROS = new Set(
  [
    'Arch',
    'CentOS',
    'Debian',
    'Deepin',
    'elementary OS',
    'Fedora',
    'Gentoo',
    'Kubuntu',
    'Linpus',
    'Linspire',
    'Mageia',
    'Mandriva',
    'Manjaro',
    'Mint',
    'PCLinuxOS',
    'Raspbian',
    'RedHat',
    'Red Hat',
    'Sabayon',
    'Slackware',
    'SUSE',
    'openSUSE',
    'Ubuntu',
    'Xubuntu',
    'Lubuntu',
    'Zenwalk',
    'Knoppix',
    'VectorLinux',
  ].map((name) => name.toLowerCase()),
);

const OS_NAMES = new Map([
  ['Mac OS', 'macOS'],
  ['Mac OS X', 'macOS'],
  ['macOS', 'macOS'],
  ['Chromium OS', 'Chrome OS'],
  ['Chrome OS', 'Chrome OS'],
]);

const DEVICE_TYPES = new Map<string, UserAgentInfo['device']>([
  ['mobile', 'mobile'],
  ['tablet', 'tablet'],
  ['smarttv', 'tv'],
  ['console', 'console'],
  ['wearable', 'wearable'],
  ['embedded', 'other'],
  ['xr', 'other'],
]);

/**
 * Reduces a User-Agent header to browser, OS and device class. The raw string is never returned
 * or kept: in full it is one of the strongest fingerprinting signals a request carries.
 */
export const parseUserAgent: (ua: string) => UserAgentInfo = memoize(parse);

function parse(ua: string): UserAgentInfo {
  const result = new UAParser(ua).getResult();
  const info: UserAgentInfo = { device: deviceClass(result) };
  const browser = browserName(result.browser.name);
  const os = osName(result.os.name);
  if (browser) info.browser = browser;
  if (os) info.os = os;
  return info;
}

function browserName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  return BROWSER_NAMES.get(name) ?? name;
}

function osName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  if (LINUX_DISTROS.has(name.toLowerCase())) return 'Linux';
  return OS_NAMES.get(name) ?? name;
}

function deviceClass(result: UAParser.IResult): UserAgentInfo['device'] {
  const type = result.device.type;
  if (type) return DEVICE_TYPES.get(type) ?? 'other';
  // ua-parser leaves the type empty for desktops. A UA it cannot read at all (no browser, no OS)
  // is not evidence of a desktop, so it is "other". iPadOS Safari claims to be a Mac by design,
  // so those visits count as desktop: no header tells them apart.
  if (!result.browser.name && !result.os.name) return 'other';
  if (result.os.name === 'Android' || result.os.name === 'iOS') return 'mobile';
  return 'desktop';
}
