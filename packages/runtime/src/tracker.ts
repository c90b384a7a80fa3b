// The browser tracker as a string, ready to inline in a <script> in <head>.
// tracker/build.mjs writes dist/tracker.min.js; this file fills in its config placeholder.
import { readFileSync } from 'node:fs';
import type { ResolvedOptions } from './options.ts';

export interface TrackerConfig {
  /** Collector URL the beacons are POSTed to (a path, or a full URL of another Footfall server). Default '/_footfall/e'. */
  endpoint?: string;
  /** Also track on localhost, 127.x, [::1] and file: pages. Default false. */
  allowLocalhost?: boolean;
  /** Count `#/route` changes as pages (hash-based routers). Default false. */
  hashRouting?: boolean;
}

/** gzip -9 size that the default build (trackerScript({})) must not exceed; a test enforces it. */
export const TRACKER_BUDGET_BYTES = 740;

const PLACEHOLDER = 'FOOTFALL_CONFIG';
const DEFAULT_ENDPOINT = '/_footfall/e';

let minified: string | undefined;

function readMinified(): string {
  if (minified === undefined) {
    // '../dist/' resolves to the same file from dist/tracker.js (built) and from
    // src/tracker.ts (tests running the source).
    const url = new URL('../dist/tracker.min.js', import.meta.url);
    let code: string;
    try {
      code = readFileSync(url, 'utf8');
    } catch (cause) {
      const error = new Error(
        `@footfall/runtime: the browser tracker is not built (${url.pathname} is missing). Run \`npm run build:tracker -w @footfall/runtime\` (or \`npm run build\`) first.`,
        { cause },
      );
      error.name = 'FootfallTrackerMissingError';
      throw error;
    }
    if (!code.includes(PLACEHOLDER)) {
      throw new Error(`@footfall/runtime: ${url.pathname} has no ${PLACEHOLDER} placeholder. Rebuild it with \`npm run build:tracker -w @footfall/runtime\`.`);
    }
    minified = code;
  }
  return minified;
}

function checkPath(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`@footfall/runtime: tracker option \`${name}\` must be a non-empty string (got ${JSON.stringify(value)}).`);
  }
  return value;
}

/**
 * The tracker's one-letter config object, holding only the keys that differ from the
 * defaults built into the browser code (truthy = not the default).
 */
function compactConfig(config: TrackerConfig): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (config.endpoint !== undefined && checkPath('endpoint', config.endpoint) !== DEFAULT_ENDPOINT) out.e = config.endpoint;
  if (config.allowLocalhost) out.l = 1;
  if (config.hashRouting) out.h = 1;
  return out;
}

/** The minified tracker with `config` filled in: one JS statement for an inline <script>. */
export function trackerScript(config: TrackerConfig = {}): string {
  // `<` is escaped so a value can never close the surrounding <script> element.
  const json = JSON.stringify(compactConfig(config)).replace(/</g, '\\u003c');
  return readMinified().replace(PLACEHOLDER, () => json);
}

/**
 * The tracker for resolved options. `sitePrefix` is a base path the site is served under (Astro's
 * `base`), prepended to a path endpoint; a full-URL endpoint is used as it is.
 */
export function trackerFor(options: ResolvedOptions, sitePrefix = ''): string {
  const endpoint = options.endpoint.startsWith('/') ? `${sitePrefix}${options.endpoint}` : options.endpoint;
  return trackerScript({ endpoint, allowLocalhost: options.allowLocalhost, hashRouting: options.hashRouting });
}
