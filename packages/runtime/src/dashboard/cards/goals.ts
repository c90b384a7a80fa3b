import { html } from '../../html/template.ts';
import type { BreakdownRow } from '../../model/stats.ts';
import { goalConversions, hasRevenue, type GoalConversion } from '../../stats/goals.ts';
import { breakdownCard, type Column } from '../breakdown-card.ts';
import { formatNumber } from '../format.ts';
import { CARD_ROWS, type Card } from './card.ts';
import { count } from './columns.ts';
import { filterHref } from './row-links.ts';

type GoalRow = BreakdownRow & GoalConversion;

const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const money = (n: number | undefined) => (n === undefined ? '' : MONEY.format(n));

const COLUMNS: readonly Column[] = [
  count('Uniques', (r) => r.visitors),
  count('Total', (r) => r.events, true),
  { label: 'Conv. rate', value: (r) => `${(r as GoalRow).conversion_rate}%` },
];
// The average per conversion is in the API and the CSV: the card keeps room for goal names.
const REVENUE: readonly Column[] = [{ label: 'Revenue', value: (r) => money((r as GoalRow).revenue) }];

/**
 * Goal conversions (the `goals` setting): per goal its converting visitors, conversions,
 * conversion rate and, for revenue goals, revenue. Only on sites with goals; a goal's link filters
 * the whole dashboard by it (`filter=goal:<name>`).
 */
export const goals: Card = {
  id: 'goals',
  title: 'Goal conversions',
  tabs: [],
  async load({ query }, store) {
    return { property: 'goal', rows: [], goals: await goalConversions(store, query.stats, CARD_ROWS) };
  },
  render({ state, query }, data) {
    if (!query.stats.goals?.length) return html``;
    const rows: GoalRow[] = (data.goals ?? []).map((g) => ({ ...g, pageviews: 0 }));
    const withRevenue = rows.some((r) => r.revenue !== undefined) || query.stats.goals.some(hasRevenue);
    return breakdownCard({
      id: 'card-goals',
      title: goals.title,
      tabs: [],
      valueHeader: 'Goal',
      columns: withRevenue ? [...COLUMNS, ...REVENUE] : COLUMNS,
      rows,
      label: (row) => row.value,
      href: filterHref(state, 'goal'),
      empty: `No conversions of the ${formatNumber(query.stats.goals.length)} goals in this period.`,
    });
  },
};
