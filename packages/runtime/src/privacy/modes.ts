import type { PrivacyMode } from '../options.ts';
import { type StoredEvent, VISIT_ATTRIBUTES } from '../model/events.ts';

/** Kept in every mode: when, what kind, which page, and the rotating hash that counts visitors. */
const ALWAYS = ['ts', 'kind', 'bucket', 'visitor', 'session', 'path'] as const;

// Every visit attribute, then the event's own optional fields.
const STANDARD = [...VISIT_ATTRIBUTES, 'name', 'props', 'engaged', 'scroll'] as const;

type Field = keyof StoredEvent;

/**
 * The fields each mode stores, as an allow-list: a field added to events later is stored in no
 * mode until it is added here on purpose. Paranoid keeps only what counting pageviews needs, so
 * unlike Mini Numbers' paranoid mode it drops referrers, UTM and props too.
 */
export const STORED_FIELDS: Record<PrivacyMode, readonly Field[]> = {
  standard: [...ALWAYS, ...STANDARD],
  strict: [...ALWAYS, ...STANDARD.filter((f) => f !== 'region' && f !== 'city')],
  paranoid: [...ALWAYS, 'name'],
};

/** Whether a mode keeps the visitor's own session id (paranoid groups visits on the server). */
export function keepsTrackerSession(mode: PrivacyMode): boolean {
  return mode !== 'paranoid';
}

/** Whether a mode stores any location field: otherwise the address is never looked up. */
export function storesLocation(mode: PrivacyMode): boolean {
  return STORED_FIELDS[mode].some((f) => f === 'country' || f === 'region' || f === 'city');
}

/** Whether a mode stores browser, OS or device: otherwise the user agent is never parsed. */
export function storesDevice(mode: PrivacyMode): boolean {
  return STORED_FIELDS[mode].some((f) => f === 'browser' || f === 'os' || f === 'device');
}

/** Whether a mode stores engagement reports at all. */
export function keepsEngagement(mode: PrivacyMode): boolean {
  return STORED_FIELDS[mode].includes('engaged');
}

export function project(event: StoredEvent, mode: PrivacyMode): StoredEvent {
  const out: Record<string, unknown> = {};
  for (const field of STORED_FIELDS[mode]) if (event[field] !== undefined) out[field] = event[field];
  return out as unknown as StoredEvent;
}
