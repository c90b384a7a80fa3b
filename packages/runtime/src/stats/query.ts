import type { VisitAttributes } from '../model/events.ts';
import type { Filter, PropertyName } from '../model/stats.ts';
import { PROPERTIES } from '../model/stats.ts';

export function isPropertyName(name: string): name is PropertyName {
  return (PROPERTIES as readonly string[]).includes(name) || /^prop:[^:]{1,300}$/.test(name);
}

/** Which level a property lives on decides how it filters: one event, or its whole visit. */
export type PropertyLevel = 'event' | 'visit' | 'visit-path';

export function levelOf(property: PropertyName): PropertyLevel {
  if (property === 'page' || property === 'event' || property.startsWith('prop:')) return 'event';
  if (property === 'entry_page' || property === 'exit_page') return 'visit-path';
  return 'visit';
}

export function visitAttribute(property: PropertyName): keyof VisitAttributes {
  return property as keyof VisitAttributes;
}

/**
 * `filter=property:value`, split at the first colon, repeatable. Filters on different properties
 * combine with AND, repeated ones on the same property with OR.
 */
export function parseFilters(raw: readonly string[]): Filter[] | { error: string } {
  const byProperty = new Map<PropertyName, string[]>();
  for (const item of raw) {
    const colon = item.indexOf(':');
    const property = colon < 0 ? item : item.slice(0, colon);
    let value = colon < 0 ? '' : item.slice(colon + 1);
    let name = property;
    if (property === 'prop') {
      // filter=prop:plan:pro filters events whose prop "plan" is "pro".
      const second = value.indexOf(':');
      if (second < 1) return { error: `filter ${JSON.stringify(item)} must look like prop:key:value` };
      name = `prop:${value.slice(0, second)}`;
      value = value.slice(second + 1);
    }
    if (!isPropertyName(name)) return { error: `unknown filter property ${JSON.stringify(property)}; use one of ${PROPERTIES.join(', ')}, prop:key` };
    if (colon < 0 || value === '') return { error: `filter ${JSON.stringify(item)} needs a value after the colon` };
    byProperty.set(name, [...(byProperty.get(name) ?? []), value]);
  }
  return [...byProperty].map(([property, values]) => ({ property, values }));
}

// Temporary: live rollups still import these from here (#12 moves them to model/).
export { DIRECT, PROPERTIES, type Filter, type PropertyName } from '../model/stats.ts';
