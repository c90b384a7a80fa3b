import type { BreakdownRow, PropertyName } from '../../model/stats.ts';
import { isPropertyName } from '../../stats/query.ts';
import type { Tab } from '../breakdown-card.ts';
import { viewHref, withFilter, type ViewState } from '../view-state.ts';
import type { Card, CardView } from './card.ts';

/** The card's URL tabs as links to this view with that tab selected. */
export function tabLinks(card: Card, view: CardView): Tab[] {
  return card.tabs.map((tab) => ({ label: tab.label, href: viewHref(view.state, { tab: [card.id, tab.id] }), current: tab.id === view.tab }));
}

/**
 * A row's link: this view filtered by the row's value. None when the API could not parse the
 * filter back (a prop key with a ':' in it).
 */
export function filterHref(state: ViewState, property: PropertyName) {
  return (row: BreakdownRow): string | undefined =>
    property.startsWith('prop:') && !isPropertyName(property) ? undefined : viewHref(state, withFilter(state, { property, value: row.value }));
}
