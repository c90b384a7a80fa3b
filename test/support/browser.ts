// Real-Chromium helpers for tests: Debian's /usr/bin/chromium driven by playwright-core
// (never `playwright install`: it downloads a browser). Tests watch the network, never sleep.
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type Request } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface LaunchOptions {
  /**
   * Give the whole browser a person's user agent, not only its contexts. A request that outlives
   * its page (a keepalive beacon sent while a link leads elsewhere) is sent by the browser with
   * its own default user agent, "HeadlessChrome", which a context's `userAgent` does not reach,
   * and Footfall's collector drops it as automation. Needed wherever a real collector must see
   * what a page sends as it unloads.
   */
  humanUserAgent?: boolean;
}

/** Headless Debian Chromium with the flags that work as root on a small CI machine. */
export function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  // `chromium --version` says "Chromium 156.0.8078.114 built on ...": the major version that
  // humanUserAgent() reads from the launched browser, so both user agents are the same string.
  const major = options.humanUserAgent ? /\d+/.exec(execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))?.[0] : undefined;
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(major ? [`--user-agent=${chromeUserAgent(major)}`] : []),
    ],
  });
}

/** A desktop Chrome user agent for this browser's version, without "HeadlessChrome". */
export function humanUserAgent(browser: Browser): string {
  return chromeUserAgent(browser.version().split('.')[0] ?? '120');
}

function chromeUserAgent(major: string): string {
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

/**
 * A context that looks like a person's browser: a normal Chrome user agent and
 * `navigator.webdriver === false` (the tracker ignores automation, as bot filters do).
 * Use a plain `browser.newContext()` to get a visitor the tracker must ignore.
 */
export async function newHumanContext(browser: Browser, opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    userAgent: humanUserAgent(browser),
    viewport: { width: 1280, height: 800 },
    ...opts,
  });
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false, configurable: true });
  });
  return context;
}

export type Beacon = Record<string, unknown>;

/** True when every key of `partial` is in `beacon` with a matching value (objects match partially, recursively). */
export function matchesPartial(beacon: unknown, partial: unknown): boolean {
  if (partial !== null && typeof partial === 'object') {
    if (beacon === null || typeof beacon !== 'object') return false;
    return Object.entries(partial).every(([key, value]) => matchesPartial((beacon as Record<string, unknown>)[key], value));
  }
  return Object.is(beacon, partial);
}

export interface BeaconCapture {
  /** Every beacon seen so far, in arrival order. */
  readonly beacons: Beacon[];
  /** The beacons seen so far that match `partial`. */
  matching(partial?: Beacon): Beacon[];
  /**
   * Resolves with the matching beacons once at least `count` of them have arrived (at once if
   * they already have); rejects after `timeoutMs` listing what did arrive.
   */
  waitFor(partial?: Beacon, count?: number, timeoutMs?: number): Promise<Beacon[]>;
  /** Stop listening. */
  stop(): void;
}

/** Where beacons come from: a page or context (requests seen by the browser), or a server hook. */
export type BeaconSource = Page | BrowserContext | ((onBeacon: (beacon: Beacon) => void) => () => void);

export interface CaptureOptions {
  /** Collector path; requests are matched by pathname. Default '/_footfall/e'. */
  path?: string;
}

/**
 * Collects tracker beacons as they are sent. With a Page or BrowserContext it watches POST
 * requests to the collector path (the browser reports them in order, so a later request such
 * as a test's sentinel fetch proves an earlier beacon would have been seen). With a function it
 * subscribes to beacons a test server records, e.g. `captureBeacons((cb) => server.onBeacon(cb))`.
 */
export function captureBeacons(source: BeaconSource, opts: CaptureOptions = {}): BeaconCapture {
  const path = opts.path ?? '/_footfall/e';
  const beacons: Beacon[] = [];
  const waiters = new Set<() => void>();

  const add = (beacon: Beacon) => {
    beacons.push(beacon);
    for (const check of [...waiters]) check();
  };

  let stop: () => void;
  if (typeof source === 'function') {
    stop = source(add);
  } else {
    const onRequest = (request: Request) => {
      if (request.method() !== 'POST' || new URL(request.url()).pathname !== path) return;
      let body: unknown;
      try {
        body = request.postDataJSON();
      } catch {
        body = { unparsable: request.postData() };
      }
      add(body as Beacon);
    };
    // Page and BrowserContext both emit 'request'; the union's overloads need a nudge.
    const emitter = source as Page;
    emitter.on('request', onRequest);
    stop = () => emitter.off('request', onRequest);
  }

  const matching = (partial: Beacon = {}) => beacons.filter((b) => matchesPartial(b, partial));

  return {
    beacons,
    matching,
    waitFor(partial = {}, count = 1, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = matching(partial);
          if (found.length < count) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `waited ${timeoutMs} ms for ${count} beacon(s) matching ${JSON.stringify(partial)}; ` + `got ${matching(partial).length}. All beacons: ${JSON.stringify(beacons)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop,
  };
}
