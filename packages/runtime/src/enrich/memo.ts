/** Stands for a cached `undefined`, so a hit needs one Map lookup whatever the value. */
const NONE = Symbol('none');

/**
 * A bounded in-memory cache for pure functions of a string. User agents, referrer hostnames and
 * bot verdicts repeat from request to request, so each distinct one is worked out once. Memory
 * only, never written anywhere. Two generations of at most `maxEntries` each: when the young one
 * is full it becomes the old one and the previous old one is dropped; a key found in the old
 * generation moves back to the young one. So the keys in use survive a turnover (a flood of
 * one-off user agents cannot evict the common ones for long) and memory stays bounded.
 */
export function memoize<T>(fn: (key: string) => T, maxEntries = 2000): (key: string) => T {
  let young = new Map<string, T | typeof NONE>();
  let old = new Map<string, T | typeof NONE>();
  return (key) => {
    let hit = young.get(key);
    if (hit === undefined) {
      hit = old.get(key);
      if (hit === undefined) {
        const value = fn(key);
        hit = value === undefined ? NONE : value;
      }
      if (young.size >= maxEntries) {
        old = young;
        young = new Map();
      }
      young.set(key, hit);
    }
    return (hit === NONE ? undefined : hit) as T;
  };
}
