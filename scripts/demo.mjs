// `npm run demo`: fills a data directory with several weeks of realistic traffic, sent through
// Footfall's real collector (validation, visitor hash, geolocation, user agents, privacy mode,
// group commit) on a hand-driven clock, then seals the past days' rollups.
// FOOTFALL_DATA_DIR picks the directory (default .footfall-demo); other FOOTFALL_* settings
// (time zone, privacy mode, storage) apply as on a real server.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { createFootfall } from '@footfall/runtime';
import { demoClock, sendDemoTraffic } from '@footfall/runtime/demo';

const DEFAULT_DIR = '.footfall-demo';
const dataDir = resolve(process.env.FOOTFALL_DATA_DIR || DEFAULT_DIR);
// MaxMind's public test database: real lookups, a handful of countries and cities.
const geoDb = new URL('../test/fixtures/geo/GeoLite2-City-Test.mmdb', import.meta.url).pathname;

if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
  if (process.env.FOOTFALL_DATA_DIR && resolve(process.env.FOOTFALL_DATA_DIR) !== resolve(DEFAULT_DIR)) {
    console.error(`@footfall/runtime demo: ${dataDir} is not empty. Point FOOTFALL_DATA_DIR at a new or empty directory: the demo never mixes its traffic into real data.`);
    process.exit(1);
  }
  rmSync(dataDir, { recursive: true, force: true }); // our own default directory: start afresh
}

const days = Number(process.env.DEMO_DAYS || 60);
const visitsPerDay = Number(process.env.DEMO_VISITS_PER_DAY || 160);
const clock = demoClock();
const ff = await createFootfall({ dataDir, geoDb: [geoDb] }, { now: clock.now, timers: false, log: () => {} });
const started = performance.now();
let result;
try {
  result = await sendDemoTraffic(ff, clock, { days, visitsPerDay });
} finally {
  await ff.close();
}
const { visits, requests } = result;

console.log(
  `Sent ${requests.toLocaleString('en-US')} beacons (${visits.toLocaleString('en-US')} visits over ${days} days) through the collector in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
);
console.log(`Data: ${dataDir} (${ff.options.storage})\n`);
console.log('See it:');
console.log(`  ${dataDir === resolve(DEFAULT_DIR) ? '' : `FOOTFALL_DATA_DIR=${dataDir} `}npm run demo:serve     # then open http://127.0.0.1:4322/_analytics`);
