import { html } from '../../html/template.ts';
import { breakdownCard } from '../breakdown-card.ts';
import { propertyLabel } from '../labels.ts';
import { viewHref, withoutFilter } from '../view-state.ts';
import { CARD_ROWS, type Card } from './card.ts';
import { count, VISITORS } from './columns.ts';
import { filterHref } from './row-links.ts';

const MAX_PROP_KEYS = 12;

/**
 * Custom events; once one event is filtered, its props (`prop:<key>`), one tab per key seen. The
 * tabs come from the data, so the URL names the selected key with `prop=`, not with a card tab.
 */
export const events: Card = {
  id: 'events',
  title: 'Custom events',
  tabs: [],
  async load({ state, query }, store) {
    const event = query.stats.filters.find((f) => f.property === 'event');
    if (event?.values.length === 1) {
      const propKeys = await store.propKeys(query.stats, MAX_PROP_KEYS);
      const key = state.prop !== undefined && propKeys.includes(state.prop) ? state.prop : propKeys[0];
      if (key !== undefined) {
        const property = `prop:${key}` as const;
        return { property, propKeys, rows: await store.breakdown(query.stats, property, CARD_ROWS) };
      }
    }
    return { property: 'event', rows: await store.breakdown(query.stats, 'event', CARD_ROWS) };
  },
  render({ state }, { property, rows, propKeys }) {
    const event = state.filters.find((f) => f.property === 'event');
    const intro =
      propKeys && event && html`<p class="back"><a href="${viewHref(state, withoutFilter(state, event))}">← All events</a> · properties of <strong>${event.value}</strong></p>`;
    return breakdownCard({
      id: 'card-events',
      title: events.title,
      tabs: (propKeys ?? []).map((key) => ({ label: key, href: viewHref(state, { prop: key }), current: property === `prop:${key}` })),
      valueHeader: propKeys ? propertyLabel(property) : 'Event',
      columns: [VISITORS, count('Events', (r) => r.events)],
      rows,
      label: (row) => row.value,
      href: filterHref(state, property),
      empty: 'No custom events in this period.',
      intro,
    });
  },
};
