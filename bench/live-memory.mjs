// The open bucket's live state on its own: takes a day of the bench's traffic into one LiveBucket
// (no store, no server) and prints what it holds after a full GC: its typed arrays (columns, list
// pools, hash tables) and its JavaScript heap, and how long taking the events in took.
//   npm run build && node --expose-gc bench/live-memory.mjs [events, default 1000000]
// BENCH_RUNTIME=<another build's dist> measures another version.
import { traffic } from './traffic.mjs';

if (typeof gc !== 'function') throw new Error('run with node --expose-gc');
const runtime = process.env.BENCH_RUNTIME ?? new URL('../packages/runtime/dist', import.meta.url).pathname;
const { LiveBucket } = await import(`${runtime}/stats/live-rollup.js`);
const total = Number(process.argv[2] ?? 1_000_000);
const DAY = 86_400_000;
const TODAY = Date.UTC(2026, 10, 20);
const MB = 2 ** 20;

gc();
const before = process.memoryUsage();
const bucket = new LiveBucket(TODAY);
// The store's visit keys are row ids: one per session, in order of first appearance.
const keys = new Map();
let ms = 0;
for (const batch of traffic({ total, days: 1, end: TODAY + DAY - 60_000, seed: 4242 })) {
  const live = batch.map((e) => {
    const session = `${e.bucket}|${e.session}`;
    let visitKey = keys.get(session);
    if (visitKey === undefined) keys.set(session, (visitKey = keys.size + 1));
    return { ...e, visitKey, attributes: e };
  });
  const started = performance.now();
  for (const e of live) bucket.add(e);
  ms += performance.now() - started;
}
const visits = keys.size;
keys.clear();
gc();
gc();
const after = process.memoryUsage();
const typed = (after.arrayBuffers - before.arrayBuffers) / MB;
const heap = (after.heapUsed - before.heapUsed) / MB;
console.log(
  `${total.toLocaleString('en')} events, ${visits.toLocaleString('en')} visits: typed arrays ${typed.toFixed(1)} MB, heap ${heap.toFixed(1)} MB ` +
    `(${(((typed + heap) * MB) / visits).toFixed(0)} bytes a visit); taken in in ${(ms / 1000).toFixed(2)} s`,
);
// Kept reachable until here, so the GC above cannot collect it.
if (bucket.allRows().length === 0) throw new Error('the bucket holds no rows');
