import type { EventKind } from '../model/events.ts';

/** An event as the visitor's browser or a server-side caller described it, checked. */
export interface IncomingEvent {
  kind: EventKind;
  /** A link click the server still has to classify (download or outbound). */
  link?: URL;
  url: URL;
  referrer?: string;
  session?: string;
  name?: string;
  props?: Record<string, string>;
  engaged?: number;
  /** Scroll depth, a whole percentage from 0 to 100 (engagement reports only). */
  scroll?: number;
}

export const LIMITS = {
  urlBytes: 2000,
  nameChars: 120,
  props: 30,
  propKeyChars: 300,
  propValueBytes: 2000,
  sessionChars: 64,
  /** One report of engaged time can't exceed a day; anything bigger is a broken client. */
  engagedMs: 86_400_000,
  /**
   * The tracker's scroll depth is the viewport's bottom over the page's height: at most a little
   * over 1 (scroll bars, zoom); past this it is a broken client.
   */
  scrollFraction: 10,
} as const;

type Result = { ok: true; event: IncomingEvent } | { ok: false; reason: string };

// C0 controls, DEL and C1 controls: never legitimate in a URL, name or prop, and they corrupt
// logs and terminals an owner might paste values into.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Maps, not object literals: a plain object answers `__proto__`, `constructor` or `toString`
// with something truthy from its prototype, and that once let such a "kind" reach the store.
const TRACKER_KINDS = new Map<unknown, EventKind>([
  ['p', 'pageview'],
  ['e', 'event'],
  ['g', 'engagement'],
  ['l', 'event'],
  ['t', 'event'],
]);
const SERVER_TYPES = new Map<unknown, EventKind>([
  ['page_view', 'pageview'],
  ['pageview', 'pageview'],
  ['event', 'event'],
]);

/**
 * Whether UTF-8 takes more than `max` bytes for the text. A UTF-16 unit never takes more than 3,
 * so a short text is answered without encoding it to count.
 */
function overBytes(text: string, max: number): boolean {
  return text.length * 3 > max && Buffer.byteLength(text) > max;
}

/**
 * Text that must not be stored: control characters, or a lone UTF-16 surrogate (a JSON `\ud800`
 * escape), which no encoder can write back out and which would be silently replaced on output.
 */
function badText(text: string): boolean {
  return CONTROL.test(text) || !text.isWellFormed();
}

/**
 * Accepts the tracker's compact beacon (`{k,u,s,r,n,p,g}`) and the server-side shape
 * (`{type:"page_view"|"event", url, referrer?, name?, props?}`). Every rejection is one line
 * naming the field, for the 400 body.
 */
export function validateEvent(text: string): Result {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail('body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail('body must be a JSON object');
  const b = body as Record<string, unknown>;
  const tracker = 'k' in b;
  const kind = tracker ? TRACKER_KINDS.get(b.k) : SERVER_TYPES.get(b.type);
  if (!kind) {
    return fail(tracker ? 'k must be "p", "e", "g", "l" or "t"' : 'type must be "page_view" or "event"');
  }
  const url = checkUrl(tracker ? b.u : b.url, tracker ? 'u' : 'url');
  if (typeof url === 'string') return fail(url);
  const event: IncomingEvent = { kind, url };

  const referrer = tracker ? b.r : b.referrer;
  if (referrer !== undefined && referrer !== null && referrer !== '') {
    if (typeof referrer !== 'string' || overBytes(referrer, LIMITS.urlBytes) || badText(referrer)) {
      return fail(`${tracker ? 'r' : 'referrer'} must be a string of at most ${LIMITS.urlBytes} bytes without control characters or lone surrogates`);
    }
    event.referrer = referrer;
  }

  const session = tracker ? b.s : b.session_id;
  if (session !== undefined && session !== null) {
    if (typeof session !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(session)) {
      return fail(`${tracker ? 's' : 'session_id'} must be 1-${LIMITS.sessionChars} letters, digits, _ or -`);
    }
    event.session = session;
  }

  if (tracker && b.k === 'l') {
    const link = checkUrl(b.h, 'h');
    if (typeof link === 'string') return fail(link);
    event.link = link;
    return { ok: true, event };
  }
  let name: unknown = tracker ? b.n : b.name;
  let rawProps: unknown = tracker ? b.p : b.props;
  if (tracker && b.k === 't') {
    const tagged = fromDataset(b.p);
    if (typeof tagged === 'string') return fail(tagged);
    ({ name, props: rawProps } = tagged);
  }

  if (kind === 'event') {
    if (typeof name !== 'string' || name.trim() === '' || [...name].length > LIMITS.nameChars || badText(name)) {
      return fail(`${tracker ? 'n' : 'name'} must be an event name of 1-${LIMITS.nameChars} characters without control characters or lone surrogates`);
    }
    event.name = name.trim();
    const props = checkProps(rawProps, tracker ? 'p' : 'props');
    if (typeof props === 'string') return fail(props);
    if (props) event.props = props;
  }

  if (kind === 'engagement') {
    const g = b.g;
    if (typeof g !== 'number' || !Number.isInteger(g) || g < 1 || g > LIMITS.engagedMs) {
      return fail(`g must be a whole number of milliseconds from 1 to ${LIMITS.engagedMs}`);
    }
    event.engaged = g;
    // Scroll depth rides on engagement reports: the fraction of the page's height above the
    // viewport's bottom, stored as a whole percentage, capped at 100 (a page no taller than the
    // viewport is read to its end). null is what JSON makes of NaN (a page of no height): none.
    const d = b.d;
    if (d !== undefined && d !== null) {
      if (typeof d !== 'number' || !Number.isFinite(d) || d < 0 || d > LIMITS.scrollFraction) {
        return fail(`d must be the scroll depth, a number from 0 to ${LIMITS.scrollFraction}`);
      }
      event.scroll = Math.min(100, Math.round(d * 100));
    }
  }
  return { ok: true, event };
}

function fail(reason: string): Result {
  return { ok: false, reason };
}

function checkUrl(value: unknown, field: string): URL | string {
  if (typeof value !== 'string' || value === '') return `${field} must be the page URL`;
  if (overBytes(value, LIMITS.urlBytes)) return `${field} is longer than ${LIMITS.urlBytes} bytes`;
  if (badText(value)) return `${field} contains control characters or lone surrogates`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${field} is not an absolute URL`;
  }
  // javascript:, data:, file: and friends are never pages a visitor viewed.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${field} must use http or https`;
  return url;
}

function checkProps(value: unknown, field: string): Record<string, string> | undefined | string {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return `${field} must be an object of string values`;
  const entries = Object.entries(value);
  if (entries.length > LIMITS.props) return `${field} has more than ${LIMITS.props} properties`;
  // A null-prototype object: a key named __proto__ or constructor stays a plain key.
  const props = Object.create(null) as Record<string, string>;
  for (const [key, raw] of entries) {
    if (key === '' || [...key].length > LIMITS.propKeyChars || badText(key)) {
      return `${field} keys must be 1-${LIMITS.propKeyChars} characters without control characters or lone surrogates`;
    }
    if (raw === null || raw === undefined) continue;
    if (!['string', 'number', 'boolean'].includes(typeof raw)) return `${field}.${key} must be a string, number or boolean`;
    const text = String(raw);
    if (overBytes(text, LIMITS.propValueBytes) || badText(text)) {
      return `${field}.${key} must be at most ${LIMITS.propValueBytes} bytes without control characters or lone surrogates`;
    }
    props[key] = text;
  }
  return Object.keys(props).length > 0 ? props : undefined;
}

/**
 * A tagged element's dataset: `data-footfall-event="Signup"` is `footfallEvent`, and
 * `data-footfall-prop-plan="pro"` is `footfallPropPlan`. Only those become the event; any other
 * data-* attribute of the element is the site's markup and is dropped here.
 */
function fromDataset(value: unknown): { name: unknown; props: Record<string, unknown> } | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return "p must be the tagged element's dataset";
  const props: Record<string, unknown> = Object.create(null);
  for (const [key, v] of Object.entries(value)) {
    const m = /^footfallProp(.+)$/.exec(key);
    if (m) props[m[1]!.charAt(0).toLowerCase() + m[1]!.slice(1)] = v;
  }
  return { name: (value as Record<string, unknown>).footfallEvent, props };
}
