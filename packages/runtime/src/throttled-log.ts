/** A log line keyed by the kind of trouble it reports, so repeats of one kind can be held back. */
export type Warn = (key: string, message: string) => void;

/**
 * Says each kind of trouble at most once per interval, then how many more like it were held
 * back. A disk that stays full, or one client repeating a bad request, must cost one line every
 * few seconds, not one per request (an attack once wrote 13,288 lines in 6 s).
 */
export function throttledLog(log: (message: string) => void, now: () => number = Date.now, intervalMs = 10_000): Warn {
  const seen = new Map<string, { until: number; held: number }>();
  return (key, message) => {
    const t = now();
    const entry = seen.get(key);
    if (entry && t < entry.until) {
      entry.held++;
      return;
    }
    const held = entry?.held ?? 0;
    seen.set(key, { until: t + intervalMs, held: 0 });
    log(held > 0 ? `${message} (and ${held} more like it in the last ${Math.round(intervalMs / 1000)} s)` : message);
    // Keys are a handful of error kinds; forget expired ones so the map cannot grow.
    if (seen.size > 64) for (const [k, v] of seen) if (v.until <= t && v.held === 0) seen.delete(k);
  };
}
