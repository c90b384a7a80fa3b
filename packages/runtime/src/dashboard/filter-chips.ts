import { escapeHtml } from '../html/escape.ts';
import { describeFilter } from './labels.ts';
import { viewHref, withoutFilter, type ViewState } from './view-state.ts';

/** Active filters as chips; each chip's × is a link to the same view without that filter. */
export function filterChips(state: ViewState): string {
  if (state.filters.length === 0) return '';
  const chips = state.filters.map((raw) => {
    const { label, value } = describeFilter(raw);
    const text = `${label} is ${value}`;
    return `<li class="chip"><span title="${escapeHtml(text)}">${escapeHtml(label)} is <strong>${escapeHtml(value)}</strong></span>`
      + `<a href="${escapeHtml(viewHref(state, withoutFilter(state, raw)))}" aria-label="${escapeHtml(`Remove filter: ${text}`)}">×</a></li>`;
  }).join('');
  const clear = state.filters.length > 1 ? `<li><a href="${escapeHtml(viewHref(state, { filters: [], prop: undefined }))}">Clear all filters</a></li>` : '';
  return `<section aria-label="Filters"><ul class="chips">${chips}${clear}</ul></section>`;
}
