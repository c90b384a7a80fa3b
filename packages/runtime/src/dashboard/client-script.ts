// The dashboard page's inline script: dashboard-script/dashboard.ts, built and minified by
// dashboard-script/build.mjs into dist/dashboard.min.js, read once and served with the page's nonce.
import { readFileSync } from 'node:fs';
import { raw, type SafeHtml } from '../html/template.ts';

let script: SafeHtml | undefined;

export function clientScript(): SafeHtml {
  if (script === undefined) {
    // '../../dist/' is the same file from dist/dashboard/ (built) and from src/dashboard/ (tests
    // running the source).
    const url = new URL('../../dist/dashboard.min.js', import.meta.url);
    try {
      // Trusted: our own build output, checked there to hold no `</script`.
      script = raw(readFileSync(url, 'utf8'));
    } catch (cause) {
      const error = new Error(
        `@footfall/runtime: the dashboard script is not built (${url.pathname} is missing). ` +
          'Run `npm run build:dashboard-script -w @footfall/runtime` (or `npm run build`) first.',
        { cause },
      );
      error.name = 'FootfallDashboardScriptMissingError';
      throw error;
    }
  }
  return script;
}
