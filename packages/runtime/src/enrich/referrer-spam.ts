import { memoize } from './memo.ts';
import { REFERRER_SPAM_DOMAINS } from './referrer-spam-list.ts';

const SPAM = new Set(REFERRER_SPAM_DOMAINS);

/**
 * Whether a referrer hostname belongs to a known referrer spammer, itself or any subdomain
 * (`semalt.semalt.com`). Spam "visits" are fabricated to advertise the spammer in reports, so
 * the collector drops them instead of counting them.
 */
export const isReferrerSpam: (hostname: string) => boolean = memoize(spammer);

function spammer(hostname: string): boolean {
  const labels = hostname.trim().toLowerCase().replace(/\.$/, '').split('.');
  for (let start = 0; start < labels.length - 1; start++) {
    if (SPAM.has(labels.slice(start).join('.'))) return true;
  }
  return false;
}
