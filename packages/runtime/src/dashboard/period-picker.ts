import { escapeHtml } from '../html/escape.ts';
import type { Period, Range } from '../stats/periods.ts';
import { apiParams, viewHref, type ViewState } from './view-state.ts';

export const PERIOD_LABELS: Record<Period, string> = {
  today: 'Today', yesterday: 'Yesterday', '7d': 'Last 7 days', '30d': 'Last 30 days',
  month: 'This month', '12mo': 'Last 12 months', all: 'All time', custom: 'Custom range',
};
const PRESETS: readonly Period[] = ['today', 'yesterday', '7d', '30d', 'month', '12mo', 'all'];

/**
 * Period links, a custom range as a GET form (works without JavaScript; hidden fields carry the
 * rest of the view), the comparison toggle and the CSV export of exactly this view.
 */
export function toolbar(state: ViewState, range: Range, exportCsv: string): string {
  const presets = PRESETS.map((p) => {
    const current = state.period === p ? ' aria-current="true"' : '';
    return `<li><a href="${escapeHtml(viewHref(state, { period: p }))}"${current}>${PERIOD_LABELS[p]}</a></li>`;
  }).join('');
  const keep = new URLSearchParams(viewHref(state, { period: '30d' }).split('?')[1] ?? '');
  const hidden = [...keep].map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
  // Closed even when active (it would cover the page); the summary shows it is the current period.
  const custom = `<details class="custom"><summary${state.period === 'custom' ? ' class="current"' : ''}>Custom range</summary>`
    + `<form method="get" action="${escapeHtml(state.base)}"><input type="hidden" name="period" value="custom">`
    + `<label for="from">From<input id="from" type="date" name="from" value="${escapeHtml(range.firstDay)}" required></label>`
    + `<label for="to">To<input id="to" type="date" name="to" value="${escapeHtml(range.lastDay)}" required></label>`
    + `${hidden}<button type="submit">Apply</button></form></details>`;
  const compare = range.period === 'all'
    ? ''
    : `<a class="compare" href="${escapeHtml(viewHref(state, { compare: !state.compare }))}">${state.compare ? 'Hide comparison' : 'Compare with previous period'}</a>`;
  const csv = `<a class="export button" href="${escapeHtml(`${exportCsv}?${apiParams(state)}`)}" download>Export CSV</a>`;
  return `<nav class="toolbar wrap" aria-label="Period"><ul class="periods">${presets}</ul>${custom}<div class="actions">${compare}${csv}</div></nav>`;
}
