import type { ResolvedOptions } from '../options.ts';
import { FootfallStorageError } from '../errors.ts';
import type { GeoLookup } from '../enrich/geo.ts';
import { classifyReferrerUrl, referrerUrl } from '../enrich/referrer.ts';
import { isReferrerSpam } from '../enrich/referrer-spam.ts';
import { parseUserAgent } from '../enrich/user-agent.ts';
import { keepsEngagement, keepsTrackerSession, project, storesDevice, storesLocation } from '../privacy/modes.ts';
import { EventRejectedError, QueueFullError, type BatchWriter } from '../store/writer.ts';
import type { Warn } from '../throttled-log.ts';
import type { StoredEvent } from '../model/events.ts';
import { clientIp } from '../net/client-ip.ts';
import type { CurrentSalt, SaltKeeper } from '../visitor/salt-keeper.ts';
import type { ServerVisits } from '../visitor/server-visits.ts';
import type { BodyResult } from './body.ts';
import type { HeaderSource } from '../net/headers.ts';
import { nonHumanReason } from './non-human.ts';
import { classifyLink, type LinkKind, linkUrl } from './links.ts';
import { cleanPageUrl } from './page-url.ts';
import { validateEvent, type IncomingEvent } from './validate.ts';

export interface CollectorDeps {
  readonly options: ResolvedOptions;
  readonly salts: SaltKeeper;
  readonly writer: BatchWriter;
  readonly geo: GeoLookup;
  readonly visits: ServerVisits;
  readonly now: () => number;
  /** Rate-limited by kind: a full disk or a flood of bad events logs a line every few seconds. */
  readonly warn: Warn;
}

/** What the collector needs of a request: adapters build it without Web streams on hot paths. */
export interface CollectInput {
  readonly headers: HeaderSource;
  /** The body, already read under the size cap (or why it could not be). */
  readonly body: BodyResult;
  /** The TCP peer's address. */
  readonly clientAddress: string | undefined;
}

export interface CollectResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Beacons carry no credentials, so any origin may send them (static sites on other hosts). */
const CORS = { 'access-control-allow-origin': '*' };

function accepted(dropped?: string): CollectResult {
  return { status: 202, headers: dropped ? { ...CORS, 'x-footfall-dropped': dropped } : CORS };
}

/** Every stored event is answered with this one object: frozen, so no adapter changes it for the rest. */
export const STORED: CollectResult = Object.freeze(accepted());

function refused(status: number, error: string, headers: Record<string, string> = {}): CollectResult {
  return { status, headers: { ...CORS, 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify({ error }) };
}

/**
 * POST /_footfall/e: size cap -> parse -> validate -> drop non-humans -> client IP -> visitor
 * hash -> geo -> UA -> privacy projection -> group commit -> 202. The IP and user agent are
 * local variables of this function and go no further than the hash, geo and UA parsers.
 */
export async function collect(input: CollectInput, deps: CollectorDeps): Promise<CollectResult> {
  const { body, headers } = input;
  if (!body.ok) return refused(body.status, body.reason);
  const checked = validateEvent(body.text);
  if (!checked.ok) return refused(400, checked.reason);
  const incoming = checked.event;

  const bot = nonHumanReason(headers);
  if (bot) return accepted(bot);
  // Parsed once: for the spam check here and for the traffic source below.
  const referrer = referrerUrl(incoming.referrer);
  // A link click's kind, classified once: it decides whether the click is kept and names it.
  const linkKind = incoming.link ? classifyLink(incoming.link, incoming.url) : undefined;
  const dropped = spamReason(incoming.referrer, referrer) ?? ownerReason(incoming, linkKind, headers, deps.options);
  if (dropped) return accepted(dropped);
  const event = incoming.link ? linkEvent(incoming, incoming.link, linkKind) : incoming;
  const mode = deps.options.privacyMode;
  if (event.kind === 'engagement' && !keepsEngagement(mode)) return accepted(`${mode}-mode`);

  try {
    const ts = deps.now();
    // The open bucket's salt is almost always loaded already: no promise to wait on then.
    const salt = deps.salts.ready(ts) ?? (await deps.salts.at(ts));
    await deps.writer.write(project(enrich(event, referrer, headers, input.clientAddress, ts, salt, deps), mode));
    return STORED;
  } catch (error) {
    if (error instanceof QueueFullError) return refused(503, 'busy: try again shortly', { 'retry-after': '1' });
    // Messages name the storage failure, never the visitor: no IP or UA is in scope of them.
    if (error instanceof FootfallStorageError) {
      // The error's message carries the package prefix already.
      deps.warn('storage', `@footfall/runtime: event not stored: ${error.message.replace(/^@footfall\/runtime: /, '')}`);
      return refused(503, 'storage unavailable', { 'retry-after': '5' });
    }
    if (error instanceof EventRejectedError) {
      // The rest of its batch was committed; this event would fail again, so no 5xx and no retry.
      deps.warn('rejected', `@footfall/runtime: one event refused by the store: ${String((error.cause as Error)?.message ?? error.cause)}`);
      return refused(400, 'the event could not be stored');
    }
    deps.warn('internal', `@footfall/runtime: event not stored: ${(error as Error).message}`);
    return refused(500, 'internal error');
  }
}

/**
 * What the owner's settings exclude, decided at run time from the request: Do Not Track and
 * Global Privacy Control headers, switched-off link events, the dashboard's own pages.
 */
function ownerReason(incoming: IncomingEvent, kind: LinkKind | undefined, headers: HeaderSource, options: CollectorDeps['options']): string | undefined {
  if (options.respectDnt && (headers.get('dnt') === '1' || headers.get('sec-gpc') === '1')) return 'do-not-track';
  if (`${incoming.url.pathname}/`.includes(`${options.dashboardBase}/`)) return 'dashboard';
  if (!incoming.link) return undefined;
  if (!kind) return 'internal-link';
  if (kind === 'File Download' && !options.trackDownloads) return 'downloads-off';
  if (kind === 'Outbound Link: Click' && !options.trackOutbound) return 'outbound-off';
  return undefined;
}

/** A kept link click as the event it stands for. */
function linkEvent(incoming: IncomingEvent, link: URL, kind: LinkKind | undefined): IncomingEvent {
  return { ...incoming, name: kind, props: { url: linkUrl(link) } };
}

function spamReason(raw: string | undefined, referrer: URL | undefined): string | undefined {
  if (!raw) return undefined;
  // The check reads the field as sent. Unless padded with whitespace the URL parser keeps (a
  // no-break space), that is the URL already parsed; a padded one is read again, as it always was.
  const url = raw.trim().length === raw.length ? referrer : parsedOrUndefined(raw);
  return url && isReferrerSpam(url.hostname) ? 'referrer-spam' : undefined;
}

function parsedOrUndefined(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * The stored event. Fields are assigned one by one, not spread from the parts: this runs for
 * every event, and the privacy projection after it keeps only what the mode allows anyway.
 */
function enrich(
  incoming: IncomingEvent,
  referrer: URL | undefined,
  headers: HeaderSource,
  socketAddress: string | undefined,
  ts: number,
  salt: CurrentSalt,
  deps: CollectorDeps,
): StoredEvent {
  const { options } = deps;
  const page = cleanPageUrl(incoming.url, options);
  const ip = clientIp(socketAddress, headers, options) ?? '';
  const userAgent = headers.get('user-agent') ?? '';
  const site = page.hostname.startsWith('www.') ? page.hostname.slice(4) : page.hostname;
  const visitor = salt.hasher.hash(site, ip, userAgent);
  const session = incoming.session && keepsTrackerSession(options.privacyMode) ? incoming.session : deps.visits.sessionFor(visitor, ts);
  // Looked up only when the mode stores what they yield: the address and user agent are used no further than needed.
  const geo = storesLocation(options.privacyMode) ? deps.geo(ip) : undefined;
  const ua = storesDevice(options.privacyMode) ? parseUserAgent(userAgent) : undefined;
  const traffic = classifyReferrerUrl(referrer, page.hostname, page.utm.utm_source);
  const { utm } = page;
  return {
    ts,
    kind: incoming.kind,
    bucket: salt.bucket.start,
    visitor,
    session,
    path: page.path,
    hostname: page.hostname,
    referrer: traffic.referrer,
    source: traffic.source,
    utm_source: utm.utm_source,
    utm_medium: utm.utm_medium,
    utm_campaign: utm.utm_campaign,
    utm_content: utm.utm_content,
    utm_term: utm.utm_term,
    country: geo?.country,
    region: geo?.region,
    city: geo?.city,
    browser: ua?.browser,
    os: ua?.os,
    device: ua?.device,
    name: incoming.name,
    props: incoming.props,
    engaged: incoming.engaged,
    scroll: incoming.scroll,
  };
}
