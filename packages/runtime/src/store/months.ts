// Which month a rotation bucket belongs to, for month rollups (sqlite/month-rollups.ts,
// clickhouse/month-rollups.ts): a range covering whole months reads one row per month and value
// instead of one per bucket and value.

const HOUR = 3_600_000;
/**
 * A bucket belongs to the UTC calendar month of its start plus 13 hours. Buckets of 24 h (and
 * longer) start at local midnight, and for every zone from UTC-11 (exclusive) to UTC+13 (New
 * Zealand's summer time) that instant plus 13 hours falls on the local date itself: months then
 * match the dashboard's local months. Elsewhere, or for shorter buckets, some months straddle a
 * range's edge and are skipped for that range: answers stay exact, only less is saved.
 */
const SHIFT = 13 * HOUR;

export function monthOf(bucket: number): number {
  const d = new Date(bucket + SHIFT);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** The first instant whose buckets belong to `month`. */
export function monthStart(month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(Math.floor(month / 12), month - Math.floor(month / 12) * 12, 1);
  return d.getTime() - SHIFT;
}

/**
 * The bucket starts no month in use covers, as stretches [first, last] of consecutive buckets:
 * `starts` are every sealed bucket's start from the range's first to its last, in order, and
 * `months` the months used (each lying inside the range), in order.
 */
export function uncovered(starts: readonly number[], months: readonly { readonly first: number; readonly last: number }[]): [number, number][] {
  const stretches: [number, number][] = [];
  let m = 0;
  let open = false;
  for (const start of starts) {
    while (m < months.length && months[m]!.last < start) m++;
    if (m < months.length && months[m]!.first <= start) open = false;
    else if (open) stretches.at(-1)![1] = start;
    else {
      stretches.push([start, start]);
      open = true;
    }
  }
  return stretches;
}
