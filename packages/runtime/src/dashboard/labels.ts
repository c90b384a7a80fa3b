import { countryName } from './format.ts';
import type { QueryFilter } from '../model/query.ts';
import type { PropertyName } from '../model/stats.ts';

/** What each property is called on the page: column headers, filter chips. */
const PROPERTY_LABELS = new Map(
  Object.entries({
    page: 'Page',
    entry_page: 'Entry page',
    exit_page: 'Exit page',
    source: 'Source',
    referrer: 'Referrer',
    utm_source: 'UTM source',
    utm_medium: 'UTM medium',
    utm_campaign: 'UTM campaign',
    utm_content: 'UTM content',
    utm_term: 'UTM term',
    country: 'Country',
    region: 'Region',
    city: 'City',
    browser: 'Browser',
    os: 'Operating system',
    device: 'Device',
    event: 'Event',
    hostname: 'Hostname',
    goal: 'Goal',
  }),
);

export function propertyLabel(property: PropertyName): string {
  if (property.startsWith('prop:')) return `Property “${property.slice(5)}”`;
  // A Map, so no property name can reach an Object prototype member (`constructor` is no label).
  return PROPERTY_LABELS.get(property) ?? property;
}

/** How a stored value reads: country codes become names; everything else stays as stored. */
export function valueLabel(property: PropertyName, value: string): string {
  return property === 'country' ? countryName(value) : value;
}

/** A filter as a chip reads it: `Source is Google`, `Property “plan” is pro`. */
export function filterLabel(filter: QueryFilter): { readonly label: string; readonly value: string } {
  return { label: propertyLabel(filter.property), value: valueLabel(filter.property, filter.value) };
}
