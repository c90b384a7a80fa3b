import { memoize } from './memo.ts';
import { ANDROID_APPS, KNOWN_SOURCES, type KnownSource } from './sources.ts';

export interface TrafficSource {
  /** Hostname without `www.` plus path, e.g. `news.ycombinator.com/item`. */
  referrer?: string;
  /** Friendly name of the source (`Google`, `Reddit`), the bare referrer hostname, or utm_source. */
  source?: string;
}

const MAX_REFERRER = 255;
const MAX_UTM_SOURCE = 100;

/**
 * Works out where a visit came from. Only a hostname and a path are ever kept: a referrer's query
 * string and fragment routinely carry search terms, e-mail addresses and session tokens. For
 * search engines, AI assistants, mail and chat apps (`hostOnly` in sources.ts) the path goes too,
 * so `https://www.google.com/search?q=x` is stored as `google.com` with source `Google`.
 *
 * A non-empty utm_source names the source whatever the referrer says. A link from the site to
 * itself, a browser-internal page or an unreadable value counts as direct: `{}`.
 */
export function classifyReferrer(referrer: string | undefined, pageHostname: string, utmSource?: string): TrafficSource {
  return classifyReferrerUrl(referrerUrl(referrer), pageHostname, utmSource);
}

/** A referrer header or beacon field as a URL; undefined when blank or unreadable (a direct visit). */
export function referrerUrl(referrer: string | undefined): URL | undefined {
  const text = referrer?.trim();
  if (!text) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** `classifyReferrer` for a referrer already parsed (the collector parses it once, for the spam check too). */
export function classifyReferrerUrl(url: URL | undefined, pageHostname: string, utmSource?: string): TrafficSource {
  const found = fromReferrer(url, pageHostname);
  const campaign = cleanUtmSource(utmSource);
  if (campaign === undefined) return found;
  return found.referrer === undefined ? { source: campaign } : { referrer: found.referrer, source: campaign };
}

function fromReferrer(url: URL | undefined, pageHostname: string): TrafficSource {
  if (!url) return {};
  if (url.protocol === 'android-app:') {
    const app = url.hostname.toLowerCase();
    return app ? { referrer: `android-app://${app}`, source: ANDROID_APPS[app] ?? app } : {};
  }
  // about:, chrome:, file:, data: and the like: the browser made the request, not another site.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return {};
  const host = referrerHost(url.hostname);
  if (!host || host === siteHost(pageHostname)) return {};
  const known = sourceOf(host);
  const path = known?.hostOnly ? '' : url.pathname.replace(/\/+$/, '');
  return { referrer: (host + path).slice(0, MAX_REFERRER), source: known?.name ?? host };
}

function cleanUtmSource(utmSource: string | undefined): string | undefined {
  const cleaned = utmSource?.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (!cleaned) return undefined;
  // Cut by code point so an emoji is never split into half a surrogate pair.
  return Array.from(cleaned).slice(0, MAX_UTM_SOURCE).join('').trim();
}

/** Accepts a bare hostname or one with a port (`localhost:4321`), as hosts tend to pass it. */
function hostnameOf(page: string): string {
  try {
    return new URL(`http://${page.trim()}`).hostname;
  } catch {
    return page;
  }
}

function bareHost(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^www\./, '');
}

// A site has a handful of hostnames and its visitors come from a few hundred sources: each is
// worked out once. Hostnames only, never a referrer's path or query.
const siteHost = memoize((page: string) => bareHost(hostnameOf(page)), 200);
const referrerHost = memoize(bareHost);
const sourceOf = memoize((host: string) => findSource(host));

const EXACT = new Map<string, KnownSource>();
const BRANDS = new Map<string, KnownSource>();
for (const source of KNOWN_SOURCES) {
  for (const domain of source.domains) {
    if (domain.endsWith('.*')) BRANDS.set(domain.slice(0, -2), source);
    else EXACT.set(domain, source);
  }
}

// Second-level labels under which country domains register names (google.co.uk, google.com.au).
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'ac', 'gov', 'edu', 'gob', 'go', 'ne', 'or']);

/** The source for a hostname: its longest suffix in the table wins. */
export function findSource(hostname: string): KnownSource | undefined {
  const labels = bareHost(hostname).split('.');
  const last = labels.length - 1;
  const tldLabels = labels.length >= 3 && labels[last]!.length === 2 && SECOND_LEVEL.has(labels[last - 1]!) ? 2 : 1;
  for (let start = 0; start < labels.length - 1; start++) {
    const exact = EXACT.get(labels.slice(start).join('.'));
    if (exact) return exact;
    if (start < labels.length - tldLabels) {
      const brand = BRANDS.get(labels.slice(start, labels.length - tldLabels).join('.'));
      if (brand) return brand;
    }
  }
  return undefined;
}
