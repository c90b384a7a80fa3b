import { html, raw, type SafeHtml } from '../html/template.ts';
import { formatNumber, intervalLabel } from './format.ts';
import type { Interval, SeriesPoint } from '../model/stats.ts';

const W = 1000;
const H = 200;
/** Lines keep their width however the plot stretches (preserveAspectRatio="none" below). */
const THIN = raw('vector-effect="non-scaling-stroke"');

export interface ChartInput {
  readonly intervals: readonly Interval[];
  readonly series: readonly SeriesPoint[];
  /** The previous period, point for point (ghosted). */
  readonly previous: readonly SeriesPoint[] | undefined;
  readonly now: number;
}

/** A round axis top: 4 steps of 1, 2, 2.5 or 5 times a power of ten. */
export function niceMax(value: number): number {
  const raw = Math.max(1, value) / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  return Math.max(4, step * 4);
}

function pointTitle(p: SeriesPoint, before: SeriesPoint | undefined): string {
  const text = `${intervalLabel(p.date, true)}: ${formatNumber(p.visitors)} visitors, ${formatNumber(p.pageviews)} pageviews`;
  return before ? `${text}; previous period (${intervalLabel(before.date, true)}): ${formatNumber(before.visitors)} visitors` : text;
}

/**
 * Visitors and pageviews over time as inline SVG, drawn on the server. Intervals still in the
 * future (the rest of today or this month) get no line. Every point is a focusable group whose
 * <title> holds its numbers (hover and screen readers without script); the inline script adds
 * a styled tooltip and arrow keys. The same numbers are also a table under the chart.
 */
export function mainChart(input: ChartInput): SafeHtml {
  const { series, previous, intervals } = input;
  const n = series.length;
  const shown = Math.max(1, intervals.filter((i) => i.start <= input.now).length);
  const ghost = previous?.slice(0, n) ?? [];
  const max = niceMax(Math.max(0, ...series.slice(0, shown).flatMap((p) => [p.visitors, p.pageviews]), ...ghost.map((p) => p.visitors)));
  const x = (i: number) => (n === 1 ? W / 2 : (i * W) / (n - 1));
  const y = (v: number) => H - (v / max) * H;
  const line = (points: readonly SeriesPoint[], pick: (p: SeriesPoint) => number) => points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)} ${y(pick(p)).toFixed(1)}`).join('');
  const current = series.slice(0, shown);
  const visitors = line(current, (p) => p.visitors);
  const area = `${visitors}L${x(shown - 1).toFixed(1)} ${H}L0 ${H}Z`;
  const half = n === 1 ? W / 2 : W / (n - 1) / 2;
  const points = current.map((p, i) => {
    const left = Math.max(0, x(i) - half);
    const hit = html`<rect class="hit" x="${left.toFixed(1)}" y="0" width="${(Math.min(W, x(i) + half) - left).toFixed(1)}" height="${H}"/>`;
    const dots = html`<path class="dot pageviews" d="M${x(i).toFixed(1)} ${y(p.pageviews).toFixed(1)}h0" ${THIN}/><path class="dot visitors" d="M${x(i).toFixed(1)} ${y(p.visitors).toFixed(1)}h0" ${THIN}/>`;
    return html`<g class="pt" tabindex="0" data-i="${i}"><title>${pointTitle(p, ghost[i])}</title>${hit}${dots}</g>`;
  });
  const grid = [0, 1, 2, 3, 4].map((k) => html`<line x1="0" x2="${W}" y1="${(H * k) / 4}" y2="${(H * k) / 4}" ${THIN}/>`);
  const yLabels = [0, 1, 2, 3, 4].map((k) => html`<span class="y${k}">${formatNumber((max * k) / 4)}</span>`);
  const ticks = Math.min(n, 7);
  const xLabels = Array.from({ length: ticks }, (_, k) => series[ticks === 1 ? 0 : Math.round((k * (n - 1)) / (ticks - 1))]!).map(
    (p) => html`<span>${intervalLabel(p.date)}</span>`,
  );
  const lines = html`${ghost.length > 0 && html`<path class="line previous" d="${line(ghost, (p) => p.visitors)}" ${THIN} aria-hidden="true"/>`}<path class="line pageviews" d="${line(current, (p) => p.pageviews)}" ${THIN} aria-hidden="true"/><path class="line visitors" d="${visitors}" ${THIN} aria-hidden="true"/>`;
  const svg = html`<svg viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="group" aria-label="Visitors and pageviews over time"><g class="grid" aria-hidden="true">${grid}</g><path class="area" d="${area}" aria-hidden="true"/>${lines}${points}</svg>`;
  return html`<figure class="chart" id="chart">${legend(ghost.length > 0)}<div class="plot"><div class="yaxis" aria-hidden="true">${yLabels}</div>${svg}</div><div class="xaxis" aria-hidden="true">${xLabels}</div><div class="tip" hidden></div>${chartTable(current, ghost)}</figure>`;
}

function legend(comparing: boolean): SafeHtml {
  const key = (cls: string, label: string) => html`<li><svg viewBox="0 0 20 10" aria-hidden="true"><line class="line ${cls}" x1="1" y1="5" x2="19" y2="5"/></svg>${label}</li>`;
  return html`<figcaption><h2 class="sr-only">Visitors over time</h2><ul class="legend">${key('visitors', 'Visitors')}${key('pageviews', 'Pageviews')}${comparing && key('previous', 'Visitors, previous period')}</ul></figcaption>`;
}

/** The chart's numbers as a table, for anyone who would rather read than hover. */
function chartTable(points: readonly SeriesPoint[], ghost: readonly SeriesPoint[]): SafeHtml {
  const comparing = ghost.length > 0;
  const head = html`<tr><th scope="col">Time</th><th scope="col" class="n">Visitors</th><th scope="col" class="n">Pageviews</th>${comparing && html`<th scope="col" class="n">Previous period</th>`}</tr>`;
  const rows = points.map(
    (p, i) =>
      html`<tr><th scope="row">${intervalLabel(p.date, true)}</th><td class="n">${formatNumber(p.visitors)}</td><td class="n">${formatNumber(p.pageviews)}</td>${comparing && html`<td class="n">${ghost[i] ? formatNumber(ghost[i].visitors) : ''}</td>`}</tr>`,
  );
  return html`<details class="chart-data"><summary>Chart data as a table</summary><table><thead>${head}</thead><tbody>${rows}</tbody></table></details>`;
}
