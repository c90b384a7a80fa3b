import { html, type SafeHtml } from '../html/template.ts';
import type { BreakdownRow } from '../model/stats.ts';

export interface Tab {
  readonly label: string;
  readonly href: string;
  readonly current: boolean;
}

export interface Column {
  readonly label: string;
  readonly value: (row: BreakdownRow) => string;
  /** Hidden when the card is narrow (a phone), so the labels keep room. */
  readonly optional?: boolean;
}

export interface CardSpec {
  readonly id: string;
  readonly title: string;
  readonly tabs: readonly Tab[];
  /** Header of the label column ("Source", "Page"). */
  readonly valueHeader: string;
  readonly columns: readonly Column[];
  readonly rows: readonly BreakdownRow[];
  /** What a row's label reads (plain text: escaped here). */
  readonly label: (row: BreakdownRow) => string;
  /** An emoji or mark before the label, e.g. a flag (decorative, plain text: escaped here). */
  readonly mark?: (row: BreakdownRow) => string;
  /** The filter link for a row, or undefined when the value cannot be a filter. */
  readonly href: (row: BreakdownRow) => string | undefined;
  readonly empty: string;
  /** Above the table (the events card's "All events" link). */
  readonly intro?: SafeHtml;
}

/**
 * A ranked list: one row per value, a bar proportional to its visitors (an SVG rect, since the
 * CSP allows no style attributes), the counts, and the label as a link that filters the page.
 * Every label is visitor input; the html template escapes it, in text and in attributes.
 */
export function breakdownCard(spec: CardSpec): SafeHtml {
  const heading = `${spec.id}-title`;
  const tabs =
    spec.tabs.length > 1 &&
    html`<ul class="tabs" aria-label="${`${spec.title}: breakdown by`}">${spec.tabs.map(
      (t) => html`<li><a href="${t.href}"${t.current && html` aria-current="true"`}>${t.label}</a></li>`,
    )}</ul>`;
  const max = Math.max(1, ...spec.rows.map((r) => r.visitors));
  const body =
    spec.rows.length === 0
      ? html`<p class="none">${spec.empty}</p>`
      : html`<table><caption class="sr-only">${spec.title}</caption><thead><tr><th scope="col">${spec.valueHeader}</th>${spec.columns.map(
          (c) => html`<th scope="col" class="${cls(c)}">${c.label}</th>`,
        )}</tr></thead><tbody>${spec.rows.map((row) => rowHtml(spec, row, max))}</tbody></table>`;
  return html`<section class="card" id="${spec.id}" aria-labelledby="${heading}"><header><h2 id="${heading}">${spec.title}</h2>${tabs}</header>${spec.intro}${body}</section>`;
}

function rowHtml(spec: CardSpec, row: BreakdownRow, max: number): SafeHtml {
  const width = ((row.visitors / max) * 100).toFixed(1);
  const bar = html`<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="${width}" height="10" rx="0.6"/></svg>`;
  const label = spec.label(row);
  const mark = spec.mark?.(row);
  const text = html`${mark && html`<span class="flag" aria-hidden="true">${mark}</span>`}${label}`;
  const href = spec.href(row);
  const cell = href ? html`<a href="${href}" title="${`Filter by ${label}`}">${text}</a>` : html`<span class="label" title="${label}">${text}</span>`;
  return html`<tr><td class="v">${bar}${cell}</td>${spec.columns.map((c) => html`<td class="${cls(c)}">${c.value(row)}</td>`)}</tr>`;
}

function cls(column: Column): string {
  return column.optional ? 'n optional' : 'n';
}
