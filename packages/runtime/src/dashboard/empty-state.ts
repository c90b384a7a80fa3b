import { html, type SafeHtml } from '../html/template.ts';

/**
 * A site with no events yet: how to check that tracking works. The page reloads itself (inline
 * script) when the realtime count sees the first visitor.
 */
export function emptyState(collectorUrl: string): SafeHtml {
  const steps = [
    html`<li>Open your site in a browser, in another tab (visits from <code>localhost</code> count only with <code>allowLocalhost</code>).</li>`,
    html`<li>In the browser’s developer tools, Network tab, look for a <code>POST</code> to <code>${collectorUrl}</code> answered <code>202</code>. A <code>202</code> with an <code>X-Footfall-Dropped</code> header says why a visit was not counted (a bot, a prefetch, Do Not Track).</li>`,
    html`<li>Come back here: the current visitors count above goes up within 30 seconds, and this page fills in.</li>`,
  ];
  return html`<section class="panel empty" aria-labelledby="empty-title"><h2 id="empty-title">No visits recorded yet</h2><p>Footfall is installed and waiting for the first visitor. To check that tracking works:</p><ol>${steps}</ol><p>No request at all? Check that the page includes the tracker (a small inline script) and that no content blocker removed it.</p></section>`;
}
