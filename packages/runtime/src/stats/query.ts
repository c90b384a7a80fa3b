import type { VisitAttributes } from '../model/events.ts';
import type { Filter, PropertyName } from '../model/stats.ts';
import { PROPERTIES } from '../model/stats.ts';
import type { QueryFilter } from '../model/query.ts';

export function isPropertyName(name: string): name is PropertyName {
  return (PROPERTIES as readonly string[]).includes(name) || /^prop:[^:]{1,300}$/.test(name);
}

/** Which level a property lives on decides how it filters: one event, or its whole visit. */
export type PropertyLevel = 'event' | 'visit' | 'visit-path';

export function levelOf(property: PropertyName): PropertyLevel {
  if (property === 'page' || property === 'event' || property === 'goal' || property.startsWith('prop:')) return 'event';
  if (property === 'entry_page' || property === 'exit_page') return 'visit-path';
  return 'visit';
}

export function visitAttribute(property: PropertyName): keyof VisitAttributes {
  return property as keyof VisitAttributes;
}

/**
 * One `filter=property:value`, split at the first colon; `prop:key:value` names an event prop
 * (`filter=prop:plan:pro` matches events whose prop "plan" is "pro").
 */
export function parseFilter(text: string): QueryFilter | { error: string } {
  const colon = text.indexOf(':');
  const property = colon < 0 ? text : text.slice(0, colon);
  let value = colon < 0 ? '' : text.slice(colon + 1);
  let name = property;
  if (property === 'prop') {
    const second = value.indexOf(':');
    if (second < 1) return { error: `filter ${JSON.stringify(text)} must look like prop:key:value` };
    name = `prop:${value.slice(0, second)}`;
    value = value.slice(second + 1);
  }
  if (!isPropertyName(name)) return { error: `unknown filter property ${JSON.stringify(property)}; use one of ${PROPERTIES.join(', ')}, prop:key` };
  if (colon < 0 || value === '') return { error: `filter ${JSON.stringify(text)} needs a value after the colon` };
  return { property: name, value };
}

/** The `filter=` text for a filter: what parseFilter reads back to the same property and value. */
export function filterParam(filter: QueryFilter): string {
  return `${filter.property}:${filter.value}`;
}

/** Filters on different properties combine with AND, repeated ones on the same property with OR. */
export function groupFilters(filters: readonly QueryFilter[]): Filter[] {
  const byProperty = new Map<PropertyName, string[]>();
  for (const { property, value } of filters) byProperty.set(property, [...(byProperty.get(property) ?? []), value]);
  return [...byProperty].map(([property, values]) => ({ property, values }));
}
