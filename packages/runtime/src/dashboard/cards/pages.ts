import { count, SCROLL_DEPTH, TIME_ON_PAGE, VISITORS } from './columns.ts';
import { propertyCard } from './property-card.ts';

export const pages = propertyCard({
  id: 'pages',
  title: 'Pages',
  tabs: [
    { id: 'page', label: 'Top pages' },
    { id: 'entry_page', label: 'Entry pages' },
    { id: 'exit_page', label: 'Exit pages' },
  ],
  columns: (property) =>
    property === 'page' ? [VISITORS, count('Pageviews', (r) => r.pageviews, true), TIME_ON_PAGE, SCROLL_DEPTH] : [VISITORS, count('Visits', (r) => r.visits, true)],
});
