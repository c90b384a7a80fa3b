import { html, type SafeHtml } from '../html/template.ts';
import { filterLabel } from './labels.ts';
import { viewHref, withoutFilter, type ViewState } from './view-state.ts';

/** Active filters as chips; each chip's × is a link to the same view without that filter. */
export function filterChips(state: ViewState): SafeHtml {
  if (state.filters.length === 0) return html``;
  const chips = state.filters.map((filter) => {
    const { label, value } = filterLabel(filter);
    const text = `${label} is ${value}`;
    return html`<li class="chip"><span title="${text}">${label} is <strong>${value}</strong></span><a href="${viewHref(state, withoutFilter(state, filter))}" aria-label="${`Remove filter: ${text}`}">×</a></li>`;
  });
  const clear = state.filters.length > 1 && html`<li><a href="${viewHref(state, { filters: [], prop: undefined })}">Clear all filters</a></li>`;
  return html`<section aria-label="Filters"><ul class="chips">${chips}${clear}</ul></section>`;
}
