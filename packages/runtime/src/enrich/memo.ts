/**
 * A bounded in-memory cache for pure functions of a string. User agents repeat from request to
 * request, so parsing each distinct one once takes the collector's biggest per-request cost off
 * the hot path. Memory only, never written anywhere, and started over when full.
 */
export function memoize<T>(fn: (key: string) => T, maxEntries = 2000): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined && !cache.has(key)) {
      value = fn(key);
      if (cache.size >= maxEntries) cache.clear();
      cache.set(key, value);
    }
    return value as T;
  };
}
