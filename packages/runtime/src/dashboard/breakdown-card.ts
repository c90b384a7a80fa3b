import { escapeHtml } from '../html/escape.ts';
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
  /** Trusted HTML above the table (the events card's "All events" link). */
  readonly intro?: string;
}

/**
 * A ranked list: one row per value, a bar proportional to its visitors (an SVG rect, since the
 * CSP allows no style attributes), the counts, and the label as a link that filters the page.
 * Every label is visitor input and goes through escapeHtml, in text and in attributes.
 */
export function breakdownCard(spec: CardSpec): string {
  const heading = `${spec.id}-title`;
  const tabs = spec.tabs.length > 1
    ? `<ul class="tabs" aria-label="${escapeHtml(`${spec.title}: breakdown by`)}">${spec.tabs.map((t) =>
      `<li><a href="${escapeHtml(t.href)}"${t.current ? ' aria-current="true"' : ''}>${escapeHtml(t.label)}</a></li>`).join('')}</ul>`
    : '';
  const max = Math.max(1, ...spec.rows.map((r) => r.visitors));
  const body = spec.rows.length === 0
    ? `<p class="none">${escapeHtml(spec.empty)}</p>`
    : `<table><caption class="sr-only">${escapeHtml(spec.title)}</caption><thead><tr><th scope="col">${escapeHtml(spec.valueHeader)}</th>`
      + `${spec.columns.map((c) => `<th scope="col" class="${cls(c)}">${escapeHtml(c.label)}</th>`).join('')}</tr></thead><tbody>`
      + spec.rows.map((row) => rowHtml(spec, row, max)).join('')
      + '</tbody></table>';
  return `<section class="card" id="${spec.id}" aria-labelledby="${heading}"><header><h2 id="${heading}">${escapeHtml(spec.title)}</h2>${tabs}</header>`
    + `${spec.intro ?? ''}${body}</section>`;
}

function rowHtml(spec: CardSpec, row: BreakdownRow, max: number): string {
  const width = ((row.visitors / max) * 100).toFixed(1);
  const bar = `<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="${width}" height="10" rx="0.6"/></svg>`;
  const label = spec.label(row);
  const mark = spec.mark?.(row);
  const text = `${mark ? `<span class="flag" aria-hidden="true">${escapeHtml(mark)}</span>` : ''}${escapeHtml(label)}`;
  const href = spec.href(row);
  const cell = href
    ? `<a href="${escapeHtml(href)}" title="${escapeHtml(`Filter by ${label}`)}">${text}</a>`
    : `<span class="label" title="${escapeHtml(label)}">${text}</span>`;
  return `<tr><td class="v">${bar}${cell}</td>${spec.columns.map((c) => `<td class="${cls(c)}">${escapeHtml(c.value(row))}</td>`).join('')}</tr>`;
}

function cls(column: Column): string {
  return column.optional ? 'n optional' : 'n';
}
