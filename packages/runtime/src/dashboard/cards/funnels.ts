import { html, type SafeHtml } from '../../html/template.ts';
import { answerFunnel, type FunnelAnswer } from '../../stats/funnels.ts';
import { formatNumber } from '../format.ts';
import type { Card } from './card.ts';

/**
 * Funnels (the `funnels` setting): for each funnel, its steps with a bar, the visitors who reached
 * each in order within a visit, the conversion from the first step and the drop-off from the
 * previous one, for the view's period and filters. One disclosure per funnel (the first open), so
 * a site with several picks one without leaving the page. Only on sites with funnels.
 */
export const funnels: Card = {
  id: 'funnels',
  title: 'Funnels',
  tabs: [],
  async load({ query }, store) {
    const answers = await Promise.all((query.funnels ?? []).map((f) => answerFunnel(store, query.stats, f)));
    return { property: 'goal', rows: [], funnels: answers };
  },
  render(_view, data) {
    if (!data.funnels?.length) return html``;
    return html`<section class="card" id="card-funnels" aria-labelledby="card-funnels-title"><header><h2 id="card-funnels-title">${funnels.title}</h2></header>${data.funnels.map((f, i) => funnelHtml(f, i === 0))}</section>`;
  },
};

function funnelHtml(f: FunnelAnswer, open: boolean): SafeHtml {
  const max = Math.max(1, f.entered);
  const rows = f.steps.map((step, k) => {
    const width = ((step.visitors / max) * 100).toFixed(1);
    const bar = html`<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="${width}" height="10" rx="0.6"/></svg>`;
    const label = `${k + 1}. ${step.name}`;
    const dropoff = k === 0 ? '' : `${formatNumber(step.dropoff)} (${step.dropoff_rate}%)`;
    return html`<tr data-step="${k + 1}"><td class="v">${bar}<span class="label" title="${label}">${label}</span></td><td class="n">${formatNumber(step.visitors)}</td><td class="n">${step.conversion_rate}%</td><td class="n optional">${dropoff}</td></tr>`;
  });
  return html`<details class="funnel" data-funnel="${f.name}"${open && html` open`}><summary>${f.name}: ${formatNumber(f.entered)} entered</summary><table><caption class="sr-only">${`Funnel ${f.name}`}</caption><thead><tr><th scope="col">Step</th><th scope="col" class="n">Visitors</th><th scope="col" class="n">Conversion</th><th scope="col" class="n optional">Drop-off</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}
