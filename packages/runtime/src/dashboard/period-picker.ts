import { html, type SafeHtml } from '../html/template.ts';
import { DEFAULT_PERIOD, type Period, type Range } from '../model/query.ts';
import { apiParams, viewHref, type ViewState } from './view-state.ts';

export const PERIOD_LABELS: Record<Period, string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  month: 'This month',
  '12mo': 'Last 12 months',
  all: 'All time',
  custom: 'Custom range',
};
const PRESETS: readonly Period[] = ['today', 'yesterday', '7d', '30d', 'month', '12mo', 'all'];

/**
 * Period links, a custom range as a GET form (works without JavaScript; hidden fields carry the
 * rest of the view), the comparison toggle and the CSV export of exactly this view.
 */
export function toolbar(state: ViewState, range: Range, exportCsv: string): SafeHtml {
  const presets = PRESETS.map((p) => html`<li><a href="${viewHref(state, { period: p })}"${state.period === p && html` aria-current="true"`}>${PERIOD_LABELS[p]}</a></li>`);
  // The rest of the view: what a link to the default period keeps.
  const keep = new URLSearchParams(viewHref(state, { period: DEFAULT_PERIOD }).split('?')[1] ?? '');
  const hidden = [...keep].map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  // Closed even when active (it would cover the page); the summary shows it is the current period.
  const dates = html`<label for="from">From<input id="from" type="date" name="from" value="${range.firstDay}" required></label><label for="to">To<input id="to" type="date" name="to" value="${range.lastDay}" required></label>`;
  const form = html`<form method="get" action="${state.base}"><input type="hidden" name="period" value="custom">${dates}${hidden}<button type="submit">Apply</button></form>`;
  const custom = html`<details class="custom"><summary${state.period === 'custom' && html` class="current"`}>Custom range</summary>${form}</details>`;
  const compare =
    range.period !== 'all' &&
    html`<a class="compare" href="${viewHref(state, { compare: !state.compare })}">${state.compare ? 'Hide comparison' : 'Compare with previous period'}</a>`;
  const csv = html`<a class="export button" href="${`${exportCsv}?${apiParams(state)}`}" download>Export CSV</a>`;
  return html`<nav class="toolbar wrap" aria-label="Period"><ul class="periods">${presets}</ul>${custom}<div class="actions">${compare}${csv}</div></nav>`;
}
