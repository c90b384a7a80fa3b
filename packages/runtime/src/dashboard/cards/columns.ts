import type { BreakdownRow } from '../../model/stats.ts';
import type { Column } from '../breakdown-card.ts';
import { formatDuration, formatNumber } from '../format.ts';

export const count = (label: string, pick: (r: BreakdownRow) => number, optional = false): Column => ({ label, value: (r) => formatNumber(pick(r)), optional });
export const VISITORS = count('Visitors', (r) => r.visitors);
export const TIME_ON_PAGE: Column = { label: 'Time on page', value: (r) => formatDuration(r.time_on_page ?? 0) };
