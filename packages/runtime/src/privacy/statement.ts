import type { Geolocation } from '../enrich/geo.ts';
import type { ResolvedOptions } from '../options.ts';
import { html, raw } from '../html/template.ts';
import { STORED_FIELDS } from './modes.ts';
import { funnelsFact } from '../stats/funnels.ts';
import { hasRevenue } from '../stats/goals.ts';

const FIELD_NAMES: Record<string, string> = {
  ts: 'the time of the visit',
  kind: 'whether it was a page view, a custom event or a report of time on page',
  path: 'the page address (without query string, except campaign tags)',
  visitor: 'an anonymous visitor hash that changes on every salt rotation',
  session: 'a random visit identifier',
  hostname: 'the site hostname',
  referrer: 'the referring site and page (never its query string)',
  source: 'the traffic source (e.g. a search engine)',
  utm_source: 'campaign tags (utm_source, utm_medium, utm_campaign, utm_content, utm_term)',
  country: 'the country',
  region: 'the region',
  city: 'the city',
  browser: 'the browser name',
  os: 'the operating system name',
  device: 'the device type (desktop, mobile, tablet)',
  name: 'custom event names',
  props: 'custom event properties set by the site',
  engaged: 'time the page was visible',
  scroll: 'how far down the page was scrolled (a percentage)',
};
const FOLDED = new Set(['bucket', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term']);
const LOCATION = new Set(['country', 'region', 'city']);

export interface PrivacyFacts {
  privacy_mode: string;
  stored: string[];
  never_stored: string[];
  cookies: false;
  visitor_hash: { rotation_hours: number; salt: string };
  visit_identifier: string;
  retention_days: number | null;
  geolocation: 'off' | 'country' | 'country, region and city';
  /** Which database locations come from; null when geolocation is off. */
  geolocation_database: string | null;
  third_parties: 'none';
  /** How the site's goals are counted, or null when it has none. */
  goals: string | null;
  /** How the site's funnels are computed, or null when it has none. */
  funnels: string | null;
}

/**
 * Location fields are stored only as finely as both the privacy mode and the database allow: a
 * country database never yields a city, so the statement does not claim one.
 */
export function privacyFacts(options: ResolvedOptions, geo: Pick<Geolocation, 'database' | 'precision'>): PrivacyFacts {
  const mode = options.privacyMode;
  const located: readonly string[] = geo.precision === 'off' ? [] : geo.precision === 'country' ? ['country'] : ['country', 'region', 'city'];
  const fields = STORED_FIELDS[mode].filter((f) => !FOLDED.has(f) && (!LOCATION.has(f) || located.includes(f)));
  const geoFields = fields.filter((f) => LOCATION.has(f));
  const geolocation = geoFields.length === 0 ? 'off' : geoFields.length === 1 ? 'country' : 'country, region and city';
  return {
    privacy_mode: mode,
    stored: fields.map((f) => FIELD_NAMES[f] ?? f),
    never_stored: [
      'IP addresses',
      'full user-agent strings',
      `query strings (except campaign tags${options.queryAllowlist.length ? ` and ${options.queryAllowlist.join(', ')}` : ''})`,
      ...(options.hashRouting ? [] : ['URL fragments (#...)']),
      'names, e-mail addresses or form contents',
      'fingerprints',
    ],
    cookies: false,
    visitor_hash: {
      rotation_hours: options.hashRotationHours,
      salt: 'random, 32 bytes, destroyed when its period ends; afterwards no one, the site owner included, can link a hash to an IP address',
    },
    visit_identifier:
      mode === 'paranoid'
        ? 'none from the browser; visits are grouped on the server by the anonymous hash'
        : "a random id in the tab's sessionStorage, deleted when the tab closes",
    retention_days: options.retentionDays ?? null,
    geolocation,
    geolocation_database: geolocation === 'off' ? null : (geo.database ?? null),
    third_parties: 'none',
    goals: goalsFact(options),
    funnels: options.funnels.length ? funnelsFact(options.funnels) : null,
  };
}

/** Goals add no data: they are counted from event names and page addresses already stored. */
function goalsFact(options: ResolvedOptions): string | null {
  if (options.goals.length === 0) return null;
  const stored = `Goals (${options.goals.map((g) => g.name).join(', ')}) are counted from the event names and page addresses already stored; nothing more is collected for them.`;
  if (!options.goals.some(hasRevenue)) return stored;
  return options.privacyMode === 'paranoid'
    ? `${stored} Revenue is not counted: it comes from event properties, which the paranoid privacy mode does not store.`
    : `${stored} Revenue is summed from the event property the site sends with the amount.`;
}

const STYLE = raw(
  'body{font:16px/1.6 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1f2328;background:#fff}@media(prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}}',
);

/** A statement a site owner can paste into a privacy policy; it cannot drift from the config. */
export function privacyPage(facts: PrivacyFacts): string {
  const list = (items: string[]) => html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`;
  const retention =
    facts.retention_days === null ? 'Statistics are kept until the site owner deletes them.' : `Statistics older than ${facts.retention_days} days are deleted automatically.`;
  const geo =
    facts.geolocation === 'off'
      ? 'Location is not determined.'
      : `Location is looked up offline on this server, to ${facts.geolocation} precision${facts.geolocation_database ? `, in ${facts.geolocation_database}` : ''}; the IP address is used in memory only and discarded.`;
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Analytics and your privacy</title><style>${STYLE}</style></head>
<body><main><h1>Analytics and your privacy</h1>
<p>This site counts its visitors with Footfall, running on this site's own server. No cookies are set, nothing is shared with third parties, and no data leaves this server.</p>
<h2>What is stored</h2>${list(facts.stored)}
<h2>What is never stored</h2>${list(facts.never_stored)}
<h2>How visitors are counted</h2><p>A visitor is counted with an anonymous hash of the IP address and browser, made with a random salt that is replaced every ${facts.visitor_hash.rotation_hours} hours. The old salt is destroyed, so afterwards no one, the site owner included, can link a hash to an IP address. Visits are grouped by ${facts.visit_identifier}.</p>
<h2>Location</h2><p>${geo}</p>
<h2>Retention</h2><p>${retention}</p>${facts.goals && html`<h2>Goals</h2><p>${facts.goals}</p>`}${facts.funnels && html`<h2>Funnels</h2><p>${facts.funnels}</p>`}
<p><small>Privacy mode: ${facts.privacy_mode}. This statement is generated from the server's current settings.</small></p>
</main></body></html>`.toString();
}
