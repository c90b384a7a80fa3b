import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { open, validate } from 'maxmind';
import { FootfallConfigError } from '../errors.ts';
import { isPublicIp, normalizeIp } from '../net/ip.ts';
import type { GeoSetting } from '../options.ts';

export interface GeoInfo {
  /** ISO 3166-1 alpha-2. */
  country?: string;
  /** First-level subdivision, English name. */
  region?: string;
  /** English name. */
  city?: string;
}

export type GeoLookup = (ip: string) => GeoInfo | undefined;

export interface GeoOptions {
  now?: () => number;
  /** Where the built-in database is; resolved from the installed package by default. */
  builtInPath?: () => string;
  cacheTtlMs?: number;
  cacheMax?: number;
}

/** The one method of a database reader the lookup needs (maxmind's `Reader` has it). */
export interface GeoReader {
  get(ip: string): unknown;
}

export const noGeo: GeoLookup = () => undefined;

/**
 * The database every site gets without set-up: countries only, built from the regional internet
 * registries' WHOIS and ASN data and GeoFeeds. The package is CC0; the registries' data is CC BY
 * 4.0 by the NRO, so its name carries the attribution wherever the database is named (privacy
 * statement, dashboard). Its records use the flat @ip-location-db schema `geoFromRecord` reads.
 */
export const BUILT_IN_GEO_DB = {
  package: '@ip-location-db/geo-whois-asn-country-mmdb',
  name: 'the built-in ip-location-db geo-whois-asn-country database (registry data by the NRO, nro.net, CC BY 4.0)',
} as const;

/** One literal specifier, so file tracers that copy a server's dependencies (Nitro's) see the data file. */
function builtInGeoPath(): string {
  return createRequire(import.meta.url).resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
}

/** What the privacy statement says about locations: which database, and how precise it can be. */
export interface Geolocation {
  lookup: GeoLookup;
  /** Names the database(s) in use, for the statement; undefined when off. */
  database: string | undefined;
  /** The finest level the database can answer (a privacy mode may store less). */
  precision: 'off' | 'country' | 'city';
}

export const GEOLOCATION_OFF: Geolocation = { lookup: noGeo, database: undefined, precision: 'off' };

/**
 * Opens what FOOTFALL_GEO_DB names. The owner's own files fail start-up when they cannot be
 * read: that is a typo to fix. The built-in database missing (a bundler that left the package's
 * data file behind) only costs countries, so it is logged and the site keeps counting.
 */
export async function openGeolocation(setting: GeoSetting, log: (message: string) => void, opts: GeoOptions = {}): Promise<Geolocation> {
  if (setting.source === 'off') return GEOLOCATION_OFF;
  if (setting.source === 'files') {
    return { lookup: await openGeo(setting.paths, opts), database: setting.paths.map((p) => basename(p)).join(', '), precision: 'city' };
  }
  let path: string;
  try {
    path = (opts.builtInPath ?? builtInGeoPath)();
  } catch {
    log(
      `@footfall/runtime: geolocation is off: the built-in country database (${BUILT_IN_GEO_DB.package}) is not installed beside @footfall/runtime. Install it, set FOOTFALL_GEO_DB to a MaxMind .mmdb file, or set FOOTFALL_GEO_DB=off to silence this.`,
    );
    return GEOLOCATION_OFF;
  }
  return { lookup: createGeoLookup([await open(path)], opts), database: BUILT_IN_GEO_DB.name, precision: 'country' };
}

/**
 * Opens every .mmdb file up front, so a wrong path fails at start-up rather than per visitor.
 * No file watcher: a watcher keeps the process alive, and a database update is a restart.
 */
export async function openGeo(paths: readonly string[], opts: GeoOptions = {}): Promise<GeoLookup> {
  const readers = await Promise.all(paths.map(openReader));
  return createGeoLookup(readers, opts);
}

async function openReader(path: string): Promise<GeoReader> {
  try {
    return await open(path);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new FootfallConfigError(
      'FOOTFALL_GEO_DB',
      `cannot open the geolocation database "${path}" (${reason}). ` +
        'Set FOOTFALL_GEO_DB to readable .mmdb files (MaxMind GeoLite2/GeoIP2 City or Country, ' +
        'or an @ip-location-db mmdb), or unset it to run without geolocation.',
      { cause },
    );
  }
}

/**
 * Looks an address up in each reader in turn until one knows it. Non-public addresses are
 * answered without touching the databases: they have no location, and skipping them keeps
 * private addresses out of the cache.
 *
 * The cache exists because one visitor sends many events. It lives in memory only, is bounded
 * (oldest entry evicted first), and an entry older than the TTL is never served and is dropped
 * at the next lookup, so a raw address is not kept much past the TTL.
 */
export function createGeoLookup(readers: readonly GeoReader[], opts: GeoOptions = {}): GeoLookup {
  if (readers.length === 0) return noGeo;
  const now = opts.now ?? Date.now;
  const ttl = opts.cacheTtlMs ?? 3_600_000;
  const max = Math.max(0, opts.cacheMax ?? 10_000);
  // A Map iterates in insertion order and every entry has the same TTL, so the first entries are
  // always the oldest: both eviction and expiry only ever look at the front.
  const cache = new Map<string, { expires: number; value: GeoInfo | undefined }>();

  return (raw) => {
    const ip = normalizeIp(raw);
    if (ip === undefined) return undefined;
    const time = now();
    for (const [key, entry] of cache) {
      if (entry.expires > time) break;
      cache.delete(key);
    }
    // Only public addresses are ever cached, so a hit needs no second look at the address:
    // the public-range test walks a dozen blocks, and it ran for every event of a visitor.
    const hit = cache.get(ip);
    if (hit && hit.expires > time) return hit.value === undefined ? undefined : { ...hit.value };
    if (!isPublicIp(ip) || !validate(ip)) return undefined;
    const value = readAll(readers, ip);
    cache.delete(ip);
    if (max > 0) {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(ip, { expires: time + ttl, value });
    }
    return value === undefined ? undefined : { ...value };
  };
}

function readAll(readers: readonly GeoReader[], ip: string): GeoInfo | undefined {
  for (const reader of readers) {
    let record: unknown;
    try {
      record = reader.get(ip);
    } catch {
      // An IPv4-only database throws for IPv6; a lookup failure must never fail the visitor.
      continue;
    }
    const info = geoFromRecord(record);
    if (info) return info;
  }
  return undefined;
}

/**
 * Maps a database record to GeoInfo. Two schemas are in use: MaxMind's GeoIP2/GeoLite2
 * (`country.iso_code`, `subdivisions[].names.en`, `city.names.en`) and the flat one of the
 * @ip-location-db packages (`country_code`, `state1`, `city`).
 */
export function geoFromRecord(record: unknown): GeoInfo | undefined {
  if (!isObject(record)) return undefined;
  const info: GeoInfo = {};
  const country =
    text(record['country_code']) ??
    text(field(record, 'country', 'iso_code')) ??
    // Anycast and satellite ranges may only carry the country that registered the block.
    text(field(record, 'registered_country', 'iso_code'));
  if (country && /^[a-z]{2}$/i.test(country)) info.country = country.toUpperCase();
  const subdivisions = record['subdivisions'];
  const region = text(record['state1']) ?? (Array.isArray(subdivisions) ? text(field(subdivisions[0], 'names', 'en')) : undefined);
  if (region) info.region = region;
  const city = text(record['city']) ?? text(field(record, 'city', 'names', 'en'));
  if (city) info.city = city;
  return Object.keys(info).length > 0 ? info : undefined;
}

function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
