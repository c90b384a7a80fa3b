// The browser tracker as a string, ready to inline in a <script> in <head>.
// tracker/build.mjs writes dist/tracker.min.js; this file fills in its config placeholder.
import { readFileSync } from 'node:fs';

export interface TrackerConfig {
  /** Collector URL the beacons are POSTed to. Default '/_footfall/e'. */
  endpoint?: string;
  /** Pages whose path starts with this prefix are never tracked (the dashboard). Default '/_analytics'. */
  exclude?: string;
  /** Send an "Outbound Link: Click" event for links to other hosts. Default true. */
  outbound?: boolean;
  /** Send a "File Download" event for links to files (pdf, zip, ...). Default true. */
  downloads?: boolean;
  /** Also track on localhost, 127.x, [::1] and file: pages. Default false. */
  allowLocalhost?: boolean;
  /** Do not track visitors who send Do Not Track or Global Privacy Control. Default false. */
  respectDnt?: boolean;
  /** Count `#/route` changes as pages (hash-based routers). Default false. */
  hashRouting?: boolean;
}

/** gzip -9 size that the default build (trackerScript({})) must not exceed; a test enforces it. */
export const TRACKER_BUDGET_BYTES = 700;

const PLACEHOLDER = 'FOOTFALL_CONFIG';
const DEFAULT_ENDPOINT = '/_footfall/e';
const DEFAULT_EXCLUDE = '/_analytics';

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
        `@footfall/runtime: the browser tracker is not built (${url.pathname} is missing). ` +
          'Run `npm run build:tracker -w @footfall/runtime` (or `npm run build`) first.',
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
  if (config.exclude !== undefined && checkPath('exclude', config.exclude) !== DEFAULT_EXCLUDE) out.x = config.exclude;
  if (config.outbound === false) out.o = 1;
  if (config.downloads === false) out.d = 1;
  if (config.allowLocalhost) out.l = 1;
  if (config.respectDnt) out.t = 1;
  if (config.hashRouting) out.h = 1;
  return out;
}

/** The minified tracker with `config` filled in: one JS statement for an inline <script>. */
export function trackerScript(config: TrackerConfig = {}): string {
  // `<` is escaped so a value can never close the surrounding <script> element.
  const json = JSON.stringify(compactConfig(config)).replace(/</g, '\\u003c');
  return readMinified().replace(PLACEHOLDER, () => json);
}
