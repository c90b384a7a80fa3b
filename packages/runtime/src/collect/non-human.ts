import { isbot } from 'isbot';
import { memoize } from '../enrich/memo.ts';
import type { HeaderSource } from '../net/headers.ts';

export type NonHumanReason = 'prefetch' | 'no-user-agent' | 'headless' | 'bot';

// Automation tools that run a real engine, so the page's script does send events. Electron is
// deliberately absent: Slack, VS Code and Discord put it in their UA and their users are people.
const HEADLESS = /HeadlessChrome|PhantomJS|SlimerJS|Puppeteer|Playwright|Selenium|WebDriver|Lighthouse|jsdom|Cypress|HtmlUnit/i;

/**
 * Why a request should not count as a human visit, or undefined if it should. Checked in this
 * order: a speculative load, then the cheapest User-Agent tests, then isbot's large pattern list.
 */
export function nonHumanReason(headers: HeaderSource): NonHumanReason | undefined {
  if (isPrefetch(headers)) return 'prefetch';
  const ua = headers.get('user-agent')?.trim();
  if (!ua) return 'no-user-agent';
  return classifyAgent(ua);
}

/** The header reads the checks need: a Headers object, or an adapter's view of its own headers. */

// isbot runs one very large regular expression: worth doing once per distinct user agent.
const classifyAgent = memoize((ua: string): NonHumanReason | undefined => {
  if (HEADLESS.test(ua)) return 'headless';
  if (isbot(ua)) return 'bot';
  return undefined;
});

/**
 * A prefetch or prerender may never be seen by the visitor; counting it would invent page views.
 * Sec-Purpose is the standard header (Fetch spec, `prefetch`, `prefetch;prerender`); the others
 * are older vendor spellings: Chrome's Purpose, Safari's X-Purpose for Top Sites previews, and
 * Firefox's X-Moz.
 */
function isPrefetch(headers: HeaderSource): boolean {
  const value = (name: string) => headers.get(name)?.toLowerCase() ?? '';
  const secPurpose = value('sec-purpose');
  return (
    secPurpose.includes('prefetch') ||
    secPurpose.includes('prerender') ||
    value('purpose').includes('prefetch') ||
    value('x-purpose').includes('preview') ||
    value('x-moz').includes('prefetch')
  );
}
