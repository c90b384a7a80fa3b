import { html, type SafeHtml } from '../html/template.ts';
import type { Summary } from '../stats/summary.ts';
import { change, formatMetric, type MetricKind } from './format.ts';

interface Metric {
  readonly key: keyof Summary;
  readonly label: string;
  readonly kind: MetricKind;
  readonly lowerIsBetter?: boolean;
}

export const METRICS: readonly Metric[] = [
  { key: 'visitors', label: 'Unique visitors', kind: 'count' },
  { key: 'visits', label: 'Total visits', kind: 'count' },
  { key: 'pageviews', label: 'Total pageviews', kind: 'count' },
  { key: 'views_per_visit', label: 'Views per visit', kind: 'ratio' },
  { key: 'bounce_rate', label: 'Bounce rate', kind: 'percent', lowerIsBetter: true },
  { key: 'visit_duration', label: 'Visit duration', kind: 'duration' },
];

const ARROWS = { up: '▲', down: '▼', flat: '■', new: '★' } as const;
const WORDS = { up: 'up', down: 'down', flat: 'unchanged', new: '' } as const;

/**
 * The six headline numbers. The change against the previous period is an arrow, a number and a
 * sentence for screen readers; colour (good green, bad red) only repeats what those say.
 */
export function topStats(summary: Summary, previous: Summary | undefined): SafeHtml {
  const items = METRICS.map((m) => {
    const value = formatMetric(summary[m.key], m.kind);
    let delta: SafeHtml | undefined;
    if (previous) {
      // No visits before: a rate "rising" from 0 % would be noise, so every metric is simply new.
      const c = previous.visits === 0 ? change(summary[m.key], 0, 'count') : change(summary[m.key], previous[m.key], m.kind, m.lowerIsBetter);
      const tone = c.good === undefined ? '' : c.good ? ' good' : ' bad';
      const before = formatMetric(previous[m.key], m.kind);
      const said = c.direction === 'new' ? ' (none in the previous period)' : ` ${WORDS[c.direction]} from ${before} in the previous period`;
      delta = html`<span class="chg${tone}" title="Previous period: ${before}"><span aria-hidden="true">${ARROWS[c.direction]} </span>${c.text}<span class="sr-only">${said}</span></span>`;
    }
    return html`<div class="stat" id="stat-${m.key}"><dt>${m.label}</dt><dd><span class="value">${value}</span>${delta}</dd></div>`;
  });
  return html`<dl class="stats">${items}</dl>`;
}
