import { escapeHtml } from '../http/responses.ts';
import type { BreakdownRow } from '../stats/compute.ts';
import type { Summary } from '../stats/summary.ts';

export interface SummaryView {
  readonly base: string;
  readonly period: string;
  readonly summary: Summary;
  readonly pages: readonly BreakdownRow[];
  readonly sources: readonly BreakdownRow[];
  readonly privacyUrl: string;
}

/** A plain server-rendered overview: every value from a visitor is escaped. */
export function summaryPage(v: SummaryView): string {
  const s = v.summary;
  const stat = (label: string, value: string | number) => `<div><dt>${label}</dt><dd>${escapeHtml(value)}</dd></div>`;
  const table = (title: string, rows: readonly BreakdownRow[]) =>
    `<section><h2>${title}</h2><table><thead><tr><th scope="col">${title}</th><th scope="col">Visitors</th><th scope="col">Pageviews</th></tr></thead><tbody>${rows
      .map((r) => `<tr><td>${escapeHtml(r.value)}</td><td>${r.visitors}</td><td>${r.pageviews}</td></tr>`)
      .join('')}</tbody></table></section>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Site analytics</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328;background:#fff}@media(prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}}dl{display:flex;flex-wrap:wrap;gap:2rem}dd{font-size:1.6rem;margin:0}table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.25rem}</style></head>
<body><main><h1>Site analytics <small>(${escapeHtml(v.period)})</small></h1>
<nav>${['today', '7d', '30d', '12mo', 'all'].map((p) => `<a href="${escapeHtml(v.base)}?period=${p}">${p}</a>`).join(' · ')}</nav>
<dl>${stat('Unique visitors', s.visitors)}${stat('Visits', s.visits)}${stat('Pageviews', s.pageviews)}${stat('Views per visit', s.views_per_visit)}${stat('Bounce rate', `${s.bounce_rate}%`)}${stat('Visit duration', `${s.visit_duration}s`)}${stat('Events', s.events)}</dl>
${table('Pages', v.pages)}${table('Sources', v.sources)}
<p><a href="${escapeHtml(v.base)}/export.csv?period=${escapeHtml(v.period)}">Export CSV</a> · <a href="${escapeHtml(v.privacyUrl)}">What is collected</a></p>
<form method="post" action="${escapeHtml(v.base)}/logout"><button type="submit">Sign out</button></form></main></body></html>`;
}
