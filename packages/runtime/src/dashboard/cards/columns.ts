import type { BreakdownRow } from '../../model/stats.ts';
import type { Column } from '../breakdown-card.ts';
import { formatDuration, formatNumber, formatScrollDepth } from '../format.ts';

export const count = (label: string, pick: (r: BreakdownRow) => number, optional = false): Column => ({ label, value: (r) => formatNumber(pick(r)), optional });
export const VISITORS = count('Visitors', (r) => r.visitors);
export const TIME_ON_PAGE: Column = { label: 'Time on page', value: (r) => formatDuration(r.time_on_page ?? 0) };
/** Average deepest scroll depth; a dash where no view of the page reported one (and in paranoid mode). */
export const SCROLL_DEPTH: Column = { label: 'Scroll depth', value: (r) => formatScrollDepth(r.scroll_depth), optional: true };
