import { randomBytes } from 'node:crypto';

const GAP = 30 * 60_000;

/**
 * Visits for events that bring no tracker session id (server-side calls, and every event in
 * paranoid mode): a visitor's run of events with gaps under 30 minutes. Keyed by the visitor
 * hash, which already changes with the bucket, so a visit never spans a rotation. Memory only:
 * a restart starts new visits, which costs a little accuracy and no privacy.
 */
export class ServerVisits {
  #visits = new Map<string, { id: string; last: number }>();

  constructor(readonly maxEntries = 100_000) {}

  sessionFor(visitor: string, ts: number): string {
    const known = this.#visits.get(visitor);
    if (known && ts - known.last < GAP) {
      known.last = Math.max(known.last, ts);
      return known.id;
    }
    if (this.#visits.size >= this.maxEntries) this.#sweep(ts);
    const id = `v${randomBytes(9).toString('base64url')}`;
    this.#visits.set(visitor, { id, last: ts });
    return id;
  }

  #sweep(now: number): void {
    for (const [key, v] of this.#visits) if (now - v.last >= GAP) this.#visits.delete(key);
    // Still full of live visits: forget the oldest entries rather than grow without bound.
    for (const key of this.#visits.keys()) {
      if (this.#visits.size < this.maxEntries) break;
      this.#visits.delete(key);
    }
  }
}
