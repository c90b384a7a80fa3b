import { countryName } from './format.ts';
import type { PropertyName } from '../model/stats.ts';

/** What each property is called on the page: column headers, filter chips. */
const PROPERTY_LABELS = new Map(Object.entries({
  page: 'Page', entry_page: 'Entry page', exit_page: 'Exit page', source: 'Source', referrer: 'Referrer',
  utm_source: 'UTM source', utm_medium: 'UTM medium', utm_campaign: 'UTM campaign', utm_content: 'UTM content',
  utm_term: 'UTM term', country: 'Country', region: 'Region', city: 'City', browser: 'Browser', os: 'Operating system',
  device: 'Device', event: 'Event', hostname: 'Hostname',
}));

/** Tab names, by the property (or links tab) they show. */
export const TAB_LABELS: Record<string, string> = {
  source: 'Sources', referrer: 'Referrers', utm_medium: 'Medium', utm_source: 'UTM source', utm_campaign: 'Campaign',
  page: 'Top pages', entry_page: 'Entry pages', exit_page: 'Exit pages',
  country: 'Countries', region: 'Regions', city: 'Cities',
  browser: 'Browsers', os: 'Systems', device: 'Devices',
  outbound: 'Outbound links', downloads: 'Downloads',
};

export function propertyLabel(property: PropertyName | string): string {
  if (property.startsWith('prop:')) return `Property “${property.slice(5)}”`;
  // A Map: filter strings come from the URL, and `constructor` is no label.
  return PROPERTY_LABELS.get(property) ?? property;
}

/** How a stored value reads: country codes become names; everything else stays as stored. */
export function valueLabel(property: PropertyName | string, value: string): string {
  return property === 'country' ? countryName(value) : value;
}

/** A raw `filter=` string as a chip reads it: `Source is Google`, `Property “plan” is pro`. */
export function describeFilter(raw: string): { readonly label: string; readonly value: string } {
  const colon = raw.indexOf(':');
  const property = raw.slice(0, colon);
  let value = raw.slice(colon + 1);
  if (property === 'prop') {
    const second = value.indexOf(':');
    const key = value.slice(0, second);
    value = value.slice(second + 1);
    return { label: propertyLabel(`prop:${key}`), value };
  }
  return { label: propertyLabel(property), value: valueLabel(property, value) };
}
