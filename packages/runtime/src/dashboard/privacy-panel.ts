import { html, type SafeHtml } from '../html/template.ts';
import type { PrivacyFacts } from '../privacy/statement.ts';

/**
 * What the running configuration collects, from the same facts as the public statement, so the
 * owner sees what their visitors are told.
 */
export function privacyPanel(facts: PrivacyFacts, statementUrl: string): SafeHtml {
  const hours = facts.visitor_hash.rotation_hours;
  const rotation = hours % 24 === 0 ? `every ${hours / 24 === 1 ? 'day' : `${hours / 24} days`}` : `every ${hours} hour${hours === 1 ? '' : 's'}`;
  const items: [string, string][] = [
    ['Privacy mode', facts.privacy_mode],
    ['Visitor hash', `new random salt ${rotation}; the old one is destroyed`],
    ['Retention', facts.retention_days === null ? 'kept until you delete it' : `${facts.retention_days} days`],
    ['Geolocation', facts.geolocation === 'off' ? 'off' : `${facts.geolocation}, looked up offline${facts.geolocation_database ? ` in ${facts.geolocation_database}` : ''}`],
  ];
  const list = html`<dl>${items.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
  const note = html`<p>No cookies. IP addresses and user agents are used in memory to count visitors and never stored. Your visitors can read the details in the public <a href="${statementUrl}">privacy statement</a>, generated from these settings and ready to paste into your privacy policy.</p>`;
  return html`<section class="panel privacy" aria-labelledby="privacy-title"><h2 id="privacy-title">What is collected</h2>${list}${note}</section>`;
}
