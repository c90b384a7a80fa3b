import { randomBytes } from 'node:crypto';
import type { SafeHtml } from '../html/template.ts';
import { html } from './responses.ts';

/** A fresh nonce per response: the page's own <style> and <script> carry it, nothing else runs. */
export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * Tracked strings are attacker input shown to the site owner. Escaping keeps them text; this
 * policy is the second wall: no script or style without the response's nonce (so no inline
 * handler or injected tag runs), no external request, no framing, forms post only to the site.
 */
export function securityHeaders(nonce: string): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "img-src 'self' data:",
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
  };
}

/** An HTML response rendered with a new nonce and sent with the matching policy. */
export function securePage(status: number, render: (nonce: string) => SafeHtml, headers: Record<string, string> = {}): Response {
  const nonce = newNonce();
  return html(status, render(nonce).toString(), { ...securityHeaders(nonce), ...headers });
}
