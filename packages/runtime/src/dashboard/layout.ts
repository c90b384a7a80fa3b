import { html, raw, type SafeHtml } from '../html/template.ts';
import { STYLES } from './styles.ts';

export interface Shell {
  readonly nonce: string;
  readonly title: string;
  readonly body: SafeHtml;
  /** Inline script; it runs only because it carries the nonce. */
  readonly script?: SafeHtml;
}

/** Footprints: the brand mark, inline so the page makes no request. */
export const LOGO = raw(
  '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><ellipse cx="8" cy="8.5" rx="3.2" ry="5"/><ellipse cx="16" cy="12.5" rx="3.2" ry="5"/><circle cx="8" cy="16.5" r="2"/><circle cx="16" cy="20.5" r="2"/></svg>',
);

/**
 * The document around every dashboard page. `robots: noindex` and `referrer: same-origin` keep
 * the owner's stats out of search engines and out of other sites' logs; the empty data: icon
 * stops the browser asking the site for /favicon.ico.
 */
export function documentHtml(shell: Shell): SafeHtml {
  const { nonce } = shell;
  const meta = html`<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><meta name="referrer" content="same-origin"><link rel="icon" href="data:,">`;
  const head = html`<head>${meta}<title>${shell.title}</title><style nonce="${nonce}">${raw(STYLES)}</style></head>`;
  return html`<!doctype html><html lang="en">${head}<body>${shell.body}${shell.script && html`<script nonce="${nonce}">${shell.script}</script>`}</body></html>`;
}
