// Synthetic but realistic traffic: long-tailed pages and sources, weekly seasonality, returning
// visitors, multi-page visits, engagement reports and custom events. Deterministic (seeded).

const DAY = 86_400_000;

function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

/** Index from a Zipf-like distribution over n items (item 0 most common). */
function zipf(r, n, s = 1.1) {
  return Math.min(n - 1, Math.floor(n ** (r() ** s)) - 1);
}

const PAGES = Array.from({ length: 2000 }, (_, i) => (i === 0 ? '/' : i < 200 ? `/blog/post-${i}` : i < 800 ? `/docs/section-${i % 40}/page-${i}` : `/p/${i}`));
const SOURCES = [
  undefined,
  'Google',
  'Bing',
  'DuckDuckGo',
  'Reddit',
  'Hacker News',
  'X',
  'LinkedIn',
  'GitHub',
  'Facebook',
  ...Array.from({ length: 40 }, (_, i) => `blog${i}.example.com`),
];
const COUNTRIES = ['US', 'DE', 'GB', 'FR', 'IN', 'CA', 'NL', 'BR', 'JP', 'ES', 'IT', 'PL', 'SE', 'AU', 'CH', ...Array.from({ length: 45 }, (_, i) => `C${i}`)];
const CITIES = ['New York', 'Berlin', 'London', 'Paris', 'Mumbai', 'Toronto', 'Amsterdam', 'Sao Paulo', 'Tokyo', 'Madrid'];
const BROWSERS = ['Chrome', 'Safari', 'Firefox', 'Edge', 'Samsung Internet', 'Opera', 'Brave', 'Vivaldi'];
const OSES = ['Windows', 'macOS', 'iOS', 'Android', 'Linux', 'Chrome OS'];
const DEVICES = ['desktop', 'mobile', 'tablet'];
const EVENTS = ['Signup', 'Outbound Link: Click', 'File Download', 'Newsletter', 'Play Video'];

/**
 * The goals every bench Footfall is configured with (the goal-conversions panel and card): an
 * event goal, a revenue goal (its prop holds no numbers here, but its prop rows are still read
 * and parsed), and two page patterns, which read raw events.
 */
export const BENCH_GOALS = ['Signup', { event: 'File Download', revenue: 'plan' }, { page: '/blog/*' }, { page: '/docs/**' }];

/**
 * Yields batches of StoredEvents, oldest first, `total` events over `days` days ending at `end`
 * (one rotation bucket per UTC day).
 */
export function* traffic({ total, days, end, seed = 42 }) {
  const r = rng(seed);
  const start = Math.floor(end / DAY) * DAY - (days - 1) * DAY;
  const weights = Array.from({ length: days }, (_, d) => [0.8, 1.1, 1.15, 1.1, 1.05, 0.7, 0.6][(d + 3) % 7] * (0.6 + (0.4 * d) / days));
  const sum = weights.reduce((a, b) => a + b, 0);
  let session = 0;
  for (let d = 0; d < days; d++) {
    const bucket = start + d * DAY;
    const dayEnd = Math.min(bucket + DAY, end);
    let budget = Math.round((total * weights[d]) / sum);
    const batch = [];
    while (budget > 0) {
      const person = zipf(r, 200_000, 1.5);
      const visitor = (person * 2654435761 + bucket / DAY).toString(16).padStart(32, '0').slice(-32);
      const s = `s${(session++).toString(36)}`;
      const attrs = {
        hostname: 'example.com',
        source: SOURCES[zipf(r, SOURCES.length)],
        country: COUNTRIES[zipf(r, COUNTRIES.length)],
        city: CITIES[zipf(r, CITIES.length)],
        browser: BROWSERS[zipf(r, BROWSERS.length)],
        os: OSES[zipf(r, OSES.length)],
        device: DEVICES[zipf(r, DEVICES.length)],
        ...(r() < 0.05 ? { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: `w${d % 20}` } : {}),
      };
      if (attrs.source?.includes('.')) attrs.referrer = `${attrs.source}/article`;
      let ts = bucket + Math.floor(r() * (dayEnd - bucket - 3_600_000 > 0 ? dayEnd - bucket - 3_600_000 : 1));
      const pages = 1 + Math.floor(-Math.log(1 - r()) * 1.5);
      for (let p = 0; p < pages && budget > 0 && ts + 30_000 < dayEnd; p++) {
        const path = PAGES[zipf(r, PAGES.length)];
        batch.push({ ts, kind: 'pageview', bucket, visitor, session: s, path, ...attrs });
        budget--;
        if (r() < 0.7 && budget > 0) {
          batch.push({ ts: ts + 20_000, kind: 'engagement', bucket, visitor, session: s, path, engaged: 2000 + Math.floor(r() * 90_000), ...attrs });
          budget--;
        }
        if (r() < 0.08 && budget > 0) {
          batch.push({
            ts: ts + 25_000,
            kind: 'event',
            bucket,
            visitor,
            session: s,
            path,
            name: EVENTS[zipf(r, EVENTS.length)],
            props: { plan: r() < 0.3 ? 'pro' : 'free' },
            ...attrs,
          });
          budget--;
        }
        ts += 30_000 + Math.floor(r() * 120_000);
      }
      if (batch.length >= 20_000) yield batch.splice(0);
    }
    if (batch.length) yield batch;
  }
}
