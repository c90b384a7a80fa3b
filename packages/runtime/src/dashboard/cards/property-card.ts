import type { PropertyName } from '../../model/stats.ts';
import { breakdownCard, type Column } from '../breakdown-card.ts';
import { flag } from '../format.ts';
import { propertyLabel, valueLabel } from '../labels.ts';
import { CARD_ROWS, type Card, type CardTab } from './card.ts';
import { VISITORS } from './columns.ts';
import { filterHref, tabLinks } from './row-links.ts';

export interface PropertyCardSpec {
  readonly id: string;
  readonly title: string;
  /** One tab per property (the tab's id is the property). */
  readonly tabs: readonly CardTab[];
  /** The count columns for a tab's property; visitors only unless given. */
  readonly columns?: (property: PropertyName) => readonly Column[];
}

/** A card with one property per tab: the selected property's top values, each a filter link. */
export function propertyCard(spec: PropertyCardSpec): Card {
  const card: Card = {
    id: spec.id,
    title: spec.title,
    tabs: spec.tabs,
    async load({ query, tab }, store) {
      const property = tab as PropertyName;
      return { property, rows: await store.breakdown(query.stats, property, CARD_ROWS) };
    },
    render(view, { property, rows }) {
      return breakdownCard({
        id: `card-${spec.id}`,
        title: spec.title,
        tabs: tabLinks(card, view),
        valueHeader: propertyLabel(property),
        columns: spec.columns?.(property) ?? [VISITORS],
        rows,
        label: (row) => valueLabel(property, row.value),
        ...(property === 'country' ? { mark: (row) => flag(row.value) } : {}),
        href: filterHref(view.state, property),
        empty: 'No data for this period.',
      });
    },
  };
  return card;
}
