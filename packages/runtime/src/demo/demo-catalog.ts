import type { GoalInput } from '../options.ts';
import type { FunnelInput } from '../stats/funnels.ts';
/**
 * What the demo site's visitors look like: pages with a long tail, sources, campaigns, browsers
 * and places. Weights are relative. The addresses are ranges MaxMind's public test database
 * (test/fixtures/geo/GeoLite2-City-Test.mmdb) resolves, so the demo shows real countries and
 * cities through the real geolocation step; 50.114.0.x is public but unknown to it.
 */

export type Weighted<T> = readonly (readonly [T, number])[];

const POSTS = [
  'why-we-dropped-cookies',
  'counting-visitors-without-tracking-them',
  'astro-analytics-in-five-minutes',
  'what-gdpr-says-about-analytics',
  'hashing-ips-done-right',
  'sqlite-is-enough',
  'a-700-byte-tracker',
  'bounce-rate-is-not-evil',
  'utm-tags-a-field-guide',
  'self-hosting-on-a-5-dollar-vps',
  'our-2026-roadmap',
  'migrating-from-google-analytics',
  'server-side-events',
  'spa-navigation-tracking',
  'outbound-links',
  'privacy-policies-that-people-read',
  'the-cost-of-third-party-scripts',
  'dark-patterns-in-consent-banners',
  'measuring-docs-quality',
  'static-sites-and-analytics',
  'time-zones-are-hard',
  'what-we-learned-from-10m-events',
  'referrer-spam-explained',
  'ad-blockers-and-first-party-analytics',
  'vite-plugin-release',
];
const DOCS = ['getting-started', 'install', 'configuration', 'privacy-modes', 'geolocation', 'api', 'events', 'faq', 'deploy', 'storage'];

/** Pages by popularity: a few heads and a long tail (weights fall off like 1/rank). */
export const PAGES: Weighted<string> = [
  '/',
  '/pricing',
  '/blog',
  '/docs',
  '/features',
  ...DOCS.slice(0, 3).map((d) => `/docs/${d}`),
  ...POSTS.slice(0, 6).map((p) => `/blog/${p}`),
  '/about',
  '/changelog',
  '/signup',
  ...DOCS.slice(3).map((d) => `/docs/${d}`),
  ...POSTS.slice(6).map((p) => `/blog/${p}`),
  '/contact',
  '/careers',
  '/privacy',
  '/terms',
  '/press',
  ...Array.from({ length: 30 }, (_, i) => `/changelog/v0.${30 - i}`),
].map((path, rank) => [path, 1 / (rank + 1) ** 0.9] as const);

export interface Source {
  /** The document.referrer the tracker would send. */
  readonly referrer?: string;
  /** Campaign tags on the landing page's URL. */
  readonly utm?: string;
  /** Preferred landing pages (search and social land deeper than the home page). */
  readonly landing?: readonly string[];
}

const utm = (source: string, medium: string, campaign: string, term?: string) =>
  new URLSearchParams({ utm_source: source, utm_medium: medium, utm_campaign: campaign, ...(term ? { utm_term: term } : {}) }).toString();

export const SOURCES: Weighted<Source> = [
  [{}, 34],
  [{ referrer: 'https://www.google.com/' }, 22],
  [{ referrer: 'https://www.bing.com/' }, 4],
  [{ referrer: 'https://duckduckgo.com/' }, 4],
  [{ referrer: 'https://www.ecosia.org/' }, 1],
  [{ referrer: 'https://chatgpt.com/' }, 2],
  [{ referrer: 'https://news.ycombinator.com/item?id=41234567', landing: ['/blog/why-we-dropped-cookies', '/blog/hashing-ips-done-right'] }, 5],
  [{ referrer: 'https://www.reddit.com/r/webdev/comments/1abcde/privacy_first_analytics/', landing: ['/blog/sqlite-is-enough', '/'] }, 4],
  [{ referrer: 'https://t.co/Xy12Ab', landing: ['/blog/a-700-byte-tracker'] }, 3],
  [{ referrer: 'https://www.linkedin.com/feed/' }, 2],
  [{ referrer: 'https://github.com/footfall/footfall', landing: ['/docs/getting-started', '/docs/install'] }, 4],
  [{ referrer: 'https://dev.to/ana/privacy-analytics-compared-2k1l', landing: ['/blog/migrating-from-google-analytics'] }, 2],
  [{ referrer: 'https://lobste.rs/s/x1y2z3/counting_visitors_without', landing: ['/blog/counting-visitors-without-tracking-them'] }, 1],
  [{ utm: utm('newsletter', 'email', 'spring-launch'), landing: ['/blog/our-2026-roadmap', '/pricing'] }, 5],
  [{ utm: utm('twitter', 'social', 'launch-week'), referrer: 'https://t.co/Ab34Cd', landing: ['/features'] }, 2],
  [{ utm: utm('google', 'cpc', 'brand', 'privacy analytics'), referrer: 'https://www.google.com/', landing: ['/', '/pricing'] }, 3],
  [{ utm: utm('producthunt', 'referral', 'launch'), referrer: 'https://www.producthunt.com/', landing: ['/'] }, 2],
];

/** Real user agents: the collector parses them into browser, OS and device, then drops them. */
export const USER_AGENTS: Weighted<string> = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 28],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', 14],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 10],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 6],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 3],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 6],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', 16],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 12],
  ['Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36', 3],
  ['Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', 2],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 3],
];

/** An address pool: a fixed prefix and how many host numbers it offers. */
export interface AddressPool {
  readonly kind: 'v4' | 'v6';
  /** v4: the first three octets; v6: the first 32 bits. */
  readonly prefix: string;
  readonly first: number;
  readonly count: number;
}

const v4 = (prefix: string, first: number, count: number): AddressPool => ({ kind: 'v4', prefix, first, count });
const v6 = (prefix: string): AddressPool => ({ kind: 'v6', prefix, first: 1, count: 0xffff });

export const ADDRESSES: Weighted<AddressPool> = [
  [v6('2001:480'), 20],
  [v4('216.160.83', 56, 8), 6], // US: San Diego, Milton
  [v4('81.2.69', 142, 66), 12],
  [v4('2.125.160', 216, 8), 2],
  [v6('2a02:d3c0'), 3], // GB: London, Boxford, other
  [v4('89.160.20', 112, 144), 7], // SE: Linköping
  [v6('2a02:cfc0'), 6],
  [v6('2001:218'), 6],
  [v6('2a02:d280'), 3],
  [v6('2a02:cf40'), 3],
  [v6('2001:230'), 3], // FR, JP, CZ, NO, KR
  [v4('175.16.199', 0, 256), 4],
  [v6('2001:252'), 2],
  [v4('202.196.224', 0, 256), 4],
  [v4('67.43.156', 0, 256), 1], // CN, PH, BT
  [v4('50.114.0', 1, 250), 3], // not in the test database: an unknown country
];

/** Custom events: when they fire (chance per visit), on which pages, and their props. */
export interface DemoEvent {
  readonly name: string;
  readonly chance: number;
  readonly pages?: RegExp;
  readonly props: Record<string, Weighted<string>>;
}

export const EVENTS: readonly DemoEvent[] = [
  {
    name: 'Signup',
    chance: 0.05,
    pages: /^\/(pricing|signup|)$/,
    props: {
      plan: [
        ['free', 6],
        ['pro', 3],
        ['team', 1],
      ],
    },
  },
  {
    name: 'Newsletter: Subscribe',
    chance: 0.05,
    pages: /^\/blog/,
    props: {
      position: [
        ['footer', 5],
        ['inline', 3],
        ['popup', 1],
      ],
    },
  },
  {
    name: 'Copy code',
    chance: 0.25,
    pages: /^\/docs\//,
    props: {
      snippet: [
        ['install', 5],
        ['config', 3],
        ['api', 2],
      ],
      language: [
        ['js', 6],
        ['ts', 3],
        ['sh', 2],
      ],
    },
  },
  {
    name: 'Purchase',
    chance: 0.04,
    pages: /^\/(pricing|signup)$/,
    props: {
      plan: [
        ['pro', 3],
        ['team', 1],
      ],
      amount: [
        ['29', 6],
        ['290', 2],
        ['99', 2],
        ['14.50', 1],
      ],
    },
  },
  {
    name: 'Theme: Toggle',
    chance: 0.03,
    props: {
      theme: [
        ['dark', 3],
        ['light', 1],
      ],
    },
  },
];

export const OUTBOUND: Weighted<string> = [
  ['https://github.com/footfall/footfall', 10],
  ['https://www.npmjs.com/package/@footfall/astro', 4],
  ['https://astro.build/integrations/', 3],
  ['https://discord.gg/footfall', 2],
  ['https://vite.dev/guide/', 2],
  ['https://twitter.com/footfall_dev', 2],
  ['https://www.maxmind.com/en/geolite2/signup', 1],
];

/** Same-site files: the server classifies them as downloads by extension. */
export const DOWNLOADS: Weighted<string> = [
  ['/files/privacy-whitepaper.pdf', 6],
  ['/downloads/brand-kit.zip', 2],
  ['/files/pricing-2026.pdf', 3],
  ['/downloads/sample-data.csv', 1],
];

/**
 * The demo's goals (the `goals` setting of `npm run demo:serve` and the browser tests): an event,
 * an event with revenue, and two page patterns, so the Goal conversions card has data.
 */
export const DEMO_GOALS: GoalInput[] = ['Signup', { event: 'Purchase', revenue: 'amount' }, { page: '/docs/**' }, { page: '/blog/*' }];

/**
 * The demo's funnels (the `funnels` setting of `npm run demo:serve` and the browser tests), over
 * the demo goals, so the Funnels card has data: blog readers who look at pricing and sign up,
 * and pricing to purchase (the demo's visits reach every step of both).
 */
export const DEMO_FUNNELS: FunnelInput[] = [
  { name: 'Blog to signup', steps: ['Visit /blog/*', { page: '/pricing' }, 'Signup'] },
  { name: 'Checkout', steps: [{ page: '/pricing' }, { event: 'Purchase' }] },
];
