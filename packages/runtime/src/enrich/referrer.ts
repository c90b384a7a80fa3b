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
export function classifyReferrer(
  referrer: string | undefined,
  pageHostname: string,
  utmSource?: string,
): TrafficSource {
  const found = fromReferrer(referrer, pageHostname);
  const campaign = cleanUtmSource(utmSource);
  if (campaign === undefined) return found;
  return found.referrer === undefined ? { source: campaign } : { referrer: found.referrer, source: campaign };
}

function fromReferrer(referrer: string | undefined, pageHostname: string): TrafficSource {
  if (!referrer?.trim()) return {};
  let url: URL;
  try {
    url = new URL(referrer.trim());
  } catch {
    return {};
  }
  if (url.protocol === 'android-app:') {
    const app = url.hostname.toLowerCase();
    return app ? { referrer: `android-app://${app}`, source: ANDROID_APPS[app] ?? app } : {};
  }
  // about:, chrome:, file:, data: and the like: the browser made the request, not another site.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return {};
  const host = bareHost(url.hostname);
  if (!host || host === bareHost(hostnameOf(pageHostname))) return {};
  const known = findSource(host);
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
  return hostname.toLowerCase().replace(/\.$/, '').replace(/^www\./, '');
}

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
  const tldLabels =
    labels.length >= 3 && labels[last]!.length === 2 && SECOND_LEVEL.has(labels[last - 1]!) ? 2 : 1;
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
