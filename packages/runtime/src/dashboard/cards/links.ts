import type { Filter } from '../../model/stats.ts';
import { breakdownCard } from '../breakdown-card.ts';
import { CARD_ROWS, type Card } from './card.ts';
import { count, VISITORS } from './columns.ts';
import { filterHref, tabLinks } from './row-links.ts';

/** The events behind the card's tabs (the tracker's link beacons become these). */
export const LINK_EVENTS = { outbound: 'Outbound Link: Click', downloads: 'File Download' } as const;
type LinkTab = keyof typeof LINK_EVENTS;

/** Outbound link clicks or file downloads, by link address: the link event's `url` prop. */
export const links: Card = {
  id: 'links',
  title: 'Outbound links & downloads',
  tabs: [
    { id: 'outbound', label: 'Outbound links' },
    { id: 'downloads', label: 'Downloads' },
  ],
  async load({ query, tab }, store) {
    const name = LINK_EVENTS[tab as LinkTab];
    const event = query.stats.filters.find((f) => f.property === 'event');
    // Filtered to some other event: no link event can match, so nothing to ask.
    if (event && !event.values.includes(name)) return { property: 'prop:url', rows: [] };
    const filters: Filter[] = [...query.stats.filters.filter((f) => f.property !== 'event'), { property: 'event', values: [name] }];
    return { property: 'prop:url', rows: await store.breakdown({ ...query.stats, filters }, 'prop:url', CARD_ROWS) };
  },
  render(view, { rows }) {
    return breakdownCard({
      id: 'card-links',
      title: links.title,
      tabs: tabLinks(links, view),
      valueHeader: 'Link',
      columns: [VISITORS, count('Clicks', (r) => r.events)],
      rows,
      label: (row) => row.value,
      href: filterHref(view.state, 'prop:url'),
      empty: view.tab === 'outbound' ? 'No outbound link clicks in this period.' : 'No downloads in this period.',
    });
  },
};
