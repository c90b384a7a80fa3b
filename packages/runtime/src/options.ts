import { resolve } from 'node:path';
import { FootfallConfigError } from './errors.ts';
import { parseCidr, type Cidr } from './net/ip.ts';

export const PRIVACY_MODES = ['standard', 'strict', 'paranoid'] as const;
export const STORAGE_ENGINES = ['sqlite', 'json', 'clickhouse'] as const;
export type PrivacyMode = (typeof PRIVACY_MODES)[number];
export type StorageEngine = (typeof STORAGE_ENGINES)[number];

/** What a site owner writes in `footfall({...})`. Every field has a FOOTFALL_* override. */
export interface FootfallOptions {
  /** Where the database lives. Default `.footfall` in the server's working directory. */
  dataDir?: string;
  storage?: StorageEngine;
  /**
   * ClickHouse server (storage 'clickhouse'): http(s)://[user[:password]@]host:port[/database].
   * User, password and database may instead come from their own settings below.
   */
  clickhouseUrl?: string;
  clickhouseUser?: string;
  clickhousePassword?: string;
  /** Default `footfall` (created if missing). */
  clickhouseDatabase?: string;
  privacyMode?: PrivacyMode;
  /** Hours a visitor-hash salt lives before it is destroyed (1-8760). Default 24. */
  hashRotationHours?: number;
  /** Delete events older than this many days. Default: keep everything. */
  retentionDays?: number;
  /** Proxies whose X-Forwarded-For is believed: IPs or CIDRs. */
  trustedProxies?: string | string[];
  /** Lets a server-side caller assert the visitor's IP with `Authorization: Bearer <key>`. */
  serverKey?: string;
  /** Protects the dashboard and API. Required in production unless `publicDashboard`. */
  password?: string;
  /**
   * Geolocation. Default: the built-in country database (no set-up). Path(s) to MaxMind-format
   * .mmdb files (e.g. GeoLite2-City) for region and city precision; `false` (or
   * FOOTFALL_GEO_DB=off) turns it off.
   */
  geoDb?: string | string[] | false;
  /** IANA zone the site's days start in. Default: the server's zone. */
  timezone?: string;
  /** Query parameters kept besides UTM ones (the rest carry emails and tokens). */
  queryAllowlist?: string[];
  /** Keep `#fragments` as part of the page (for hash-routed apps). */
  hashRouting?: boolean;
  /** Serve the dashboard without a password in production. */
  publicDashboard?: boolean;
  /** Base path of the collector routes. Default `/_footfall`. */
  collectorBase?: string;
  /** Base path of the dashboard. Default `/_analytics`. */
  dashboardBase?: string;
  /**
   * Where the tracker sends beacons: a path, or the full URL of a Footfall server elsewhere
   * (for statically hosted sites). Default `<collectorBase>/e` on the site itself.
   */
  endpoint?: string;
  /** Tracker: record outbound link clicks. Default true. */
  trackOutbound?: boolean;
  /** Tracker: record file downloads. Default true. */
  trackDownloads?: boolean;
  /** Tracker: also count visits to localhost. Default false. */
  allowLocalhost?: boolean;
  /** Tracker: send nothing when the browser sends Do Not Track or Global Privacy Control. */
  respectDnt?: boolean;
}

export interface ResolvedOptions {
  readonly dataDir: string;
  readonly storage: StorageEngine;
  /** Set when storage is 'clickhouse'. */
  readonly clickhouse: ClickHouseSettings | undefined;
  readonly privacyMode: PrivacyMode;
  readonly hashRotationHours: number;
  readonly retentionDays: number | undefined;
  readonly trustedProxies: readonly Cidr[];
  readonly trustedProxiesText: readonly string[];
  readonly serverKey: string | undefined;
  readonly password: string | undefined;
  readonly geoDb: GeoSetting;
  readonly timezone: string;
  readonly queryAllowlist: readonly string[];
  readonly hashRouting: boolean;
  readonly publicDashboard: boolean;
  readonly collectorBase: string;
  readonly dashboardBase: string;
  readonly endpoint: string;
  readonly trackOutbound: boolean;
  readonly trackDownloads: boolean;
  readonly allowLocalhost: boolean;
  readonly respectDnt: boolean;
}

/** Where locations come from: the database shipped with the runtime, the owner's files, or nowhere. */
export type GeoSetting = { readonly source: 'built-in' } | { readonly source: 'files'; readonly paths: readonly string[] } | { readonly source: 'off' };

export interface ClickHouseSettings {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly database: string;
}

type Env = Record<string, string | undefined>;

/** The environment variable that overrides each option; the environment always wins. */
export const ENV_NAMES = {
  dataDir: 'FOOTFALL_DATA_DIR',
  storage: 'FOOTFALL_STORAGE',
  clickhouseUrl: 'FOOTFALL_CLICKHOUSE_URL',
  clickhouseUser: 'FOOTFALL_CLICKHOUSE_USER',
  clickhousePassword: 'FOOTFALL_CLICKHOUSE_PASSWORD',
  clickhouseDatabase: 'FOOTFALL_CLICKHOUSE_DATABASE',
  privacyMode: 'FOOTFALL_PRIVACY_MODE',
  hashRotationHours: 'FOOTFALL_HASH_ROTATION_HOURS',
  retentionDays: 'FOOTFALL_RETENTION_DAYS',
  trustedProxies: 'FOOTFALL_TRUSTED_PROXIES',
  serverKey: 'FOOTFALL_SERVER_KEY',
  password: 'FOOTFALL_PASSWORD',
  geoDb: 'FOOTFALL_GEO_DB',
  timezone: 'FOOTFALL_TIMEZONE',
  queryAllowlist: 'FOOTFALL_QUERY_ALLOWLIST',
  hashRouting: 'FOOTFALL_HASH_ROUTING',
  publicDashboard: 'FOOTFALL_PUBLIC_DASHBOARD',
  collectorBase: 'FOOTFALL_COLLECTOR_BASE',
  dashboardBase: 'FOOTFALL_DASHBOARD_BASE',
  endpoint: 'FOOTFALL_ENDPOINT',
  trackOutbound: 'FOOTFALL_TRACK_OUTBOUND',
  trackDownloads: 'FOOTFALL_TRACK_DOWNLOADS',
  allowLocalhost: 'FOOTFALL_ALLOW_LOCALHOST',
  respectDnt: 'FOOTFALL_RESPECT_DNT',
} as const satisfies Record<keyof FootfallOptions, string>;

/**
 * Resolves options once: code options, overridden by the environment, validated. Never mutates
 * the caller's object. Throws FootfallConfigError naming the setting and its allowed values.
 */
export function resolveOptions(options: FootfallOptions = {}, env: Env = process.env, cwd = process.cwd()): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new FootfallConfigError('options', `footfall() takes an options object, got ${typeof options}.`);
  }
  const read = <K extends keyof FootfallOptions>(key: K): { value: unknown; from: string } | undefined => {
    const fromEnv = env[ENV_NAMES[key]];
    if (fromEnv !== undefined && fromEnv.trim() !== '') return { value: fromEnv.trim(), from: ENV_NAMES[key] };
    if (options[key] !== undefined) return { value: options[key], from: `footfall({ ${key} })` };
    return undefined;
  };
  const trusted = list(read('trustedProxies'));
  const trustedProxies = trusted.map((text) => {
    const cidr = parseCidr(text);
    if (!cidr) throw bad('trustedProxies', read('trustedProxies')!.from, text, 'IP addresses or CIDR ranges such as 10.0.0.0/8 or ::1, separated by commas');
    return cidr;
  });
  const collectorBase = basePath(read('collectorBase'), 'collectorBase') ?? '/_footfall';
  const storage = oneOf(read('storage'), 'storage', STORAGE_ENGINES) ?? 'sqlite';
  return {
    dataDir: resolve(cwd, text(read('dataDir'), 'dataDir') ?? '.footfall'),
    storage,
    clickhouse: storage === 'clickhouse' ? clickhouse(read) : undefined,
    privacyMode: oneOf(read('privacyMode'), 'privacyMode', PRIVACY_MODES) ?? 'standard',
    hashRotationHours: integer(read('hashRotationHours'), 'hashRotationHours', 1, 8760) ?? 24,
    retentionDays: integer(read('retentionDays'), 'retentionDays', 1, 36500),
    trustedProxies,
    trustedProxiesText: trusted,
    serverKey: secret(read('serverKey'), 'serverKey', 16),
    password: secret(read('password'), 'password', 8),
    geoDb: geoSetting(read('geoDb'), cwd),
    timezone: timezone(read('timezone')),
    queryAllowlist: list(read('queryAllowlist')),
    hashRouting: bool(read('hashRouting'), 'hashRouting') ?? false,
    publicDashboard: bool(read('publicDashboard'), 'publicDashboard') ?? false,
    collectorBase,
    dashboardBase: basePath(read('dashboardBase'), 'dashboardBase') ?? '/_analytics',
    endpoint: endpoint(read('endpoint')) ?? `${collectorBase}/e`,
    trackOutbound: bool(read('trackOutbound'), 'trackOutbound') ?? true,
    trackDownloads: bool(read('trackDownloads'), 'trackDownloads') ?? true,
    allowLocalhost: bool(read('allowLocalhost'), 'allowLocalhost') ?? false,
    respectDnt: bool(read('respectDnt'), 'respectDnt') ?? false,
  };
}

type Source = { value: unknown; from: string } | undefined;

function bad(key: keyof FootfallOptions, from: string, value: unknown, allowed: string): FootfallConfigError {
  // Secrets are never echoed back: error messages end up in logs.
  const shown = key === 'password' || key === 'serverKey' ? '(hidden)' : JSON.stringify(value);
  const where = from.startsWith('FOOTFALL_') ? from : `${from} (or ${ENV_NAMES[key]})`;
  return new FootfallConfigError(ENV_NAMES[key], `${where} is ${shown}; allowed: ${allowed}.`);
}

function text(source: Source, key: keyof FootfallOptions): string | undefined {
  if (!source) return undefined;
  if (typeof source.value !== 'string' || source.value.trim() === '') throw bad(key, source.from, source.value, 'a non-empty string');
  return source.value;
}

function oneOf<T extends string>(source: Source, key: keyof FootfallOptions, allowed: readonly T[]): T | undefined {
  if (!source) return undefined;
  const value = typeof source.value === 'string' ? source.value.toLowerCase() : source.value;
  if (!allowed.includes(value as T)) throw bad(key, source.from, source.value, allowed.join(', '));
  return value as T;
}

function integer(source: Source, key: keyof FootfallOptions, min: number, max: number): number | undefined {
  if (!source) return undefined;
  const value = typeof source.value === 'string' && /^\d+$/.test(source.value) ? Number(source.value) : source.value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(key, source.from, source.value, `a whole number from ${min} to ${max}`);
  }
  return value;
}

function bool(source: Source, key: keyof FootfallOptions): boolean | undefined {
  if (!source) return undefined;
  if (typeof source.value === 'boolean') return source.value;
  const value = String(source.value).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw bad(key, source.from, source.value, 'true or false');
}

function list(source: Source): string[] {
  if (!source) return [];
  const items = Array.isArray(source.value) ? source.value : String(source.value).split(/[\s,]+/);
  return items.map((item) => String(item).trim()).filter(Boolean);
}

function geoSetting(source: Source, cwd: string): GeoSetting {
  if (!source) return { source: 'built-in' };
  if (source.value === false || (typeof source.value === 'string' && ['off', 'false', 'none'].includes(source.value.toLowerCase()))) {
    return { source: 'off' };
  }
  const paths = typeof source.value === 'string' || Array.isArray(source.value) ? list(source) : [];
  if (paths.length === 0) {
    throw bad('geoDb', source.from, source.value, 'paths to .mmdb files separated by commas, or off (unset: the built-in country database)');
  }
  return { source: 'files', paths: paths.map((path) => resolve(cwd, path)) };
}

function secret(source: Source, key: 'password' | 'serverKey', minLength: number): string | undefined {
  if (!source) return undefined;
  if (typeof source.value !== 'string' || source.value.length < minLength) {
    throw bad(key, source.from, source.value, `a string of at least ${minLength} characters`);
  }
  return source.value;
}

function timezone(source: Source): string {
  if (!source) return Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: String(source.value) }).resolvedOptions().timeZone;
  } catch {
    throw bad('timezone', source.from, source.value, 'an IANA time zone such as UTC, Europe/Berlin or America/New_York');
  }
}

/**
 * The ClickHouse connection, validated at start: a URL is required; user, password and database
 * come from the URL or their own settings (which win), never both spelled differently.
 */
function clickhouse(read: (key: 'clickhouseUrl' | 'clickhouseUser' | 'clickhousePassword' | 'clickhouseDatabase') => Source): ClickHouseSettings {
  const source = read('clickhouseUrl');
  const allowed = 'the HTTP(S) address of a ClickHouse server, such as http://default:secret@127.0.0.1:8123/footfall';
  if (!source) {
    throw new FootfallConfigError('FOOTFALL_CLICKHOUSE_URL', `FOOTFALL_STORAGE=clickhouse needs FOOTFALL_CLICKHOUSE_URL: ${allowed}.`);
  }
  const shown = (u: URL) => `${u.protocol}//${u.host}${u.pathname}`;
  let url: URL;
  try {
    url = new URL(String(source.value));
  } catch {
    throw new FootfallConfigError('FOOTFALL_CLICKHOUSE_URL', `${source.from} is not a URL; allowed: ${allowed}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FootfallConfigError('FOOTFALL_CLICKHOUSE_URL', `${source.from} is ${JSON.stringify(shown(url))}; allowed: ${allowed} (http: or https:, ClickHouse's HTTP interface).`);
  }
  if (url.search || url.hash) throw new FootfallConfigError('FOOTFALL_CLICKHOUSE_URL', `${source.from} has a query or fragment; allowed: ${allowed}.`);
  const fromPath = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''));
  const database = text(read('clickhouseDatabase'), 'clickhouseDatabase') ?? (fromPath || 'footfall');
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(database)) {
    throw new FootfallConfigError('FOOTFALL_CLICKHOUSE_DATABASE', `the ClickHouse database is ${JSON.stringify(database)}; allowed: letters, digits and underscores, not starting with a digit.`);
  }
  const username = text(read('clickhouseUser'), 'clickhouseUser') ?? (decodeURIComponent(url.username) || 'default');
  const passwordSource = read('clickhousePassword');
  const password = passwordSource ? String(passwordSource.value) : decodeURIComponent(url.password);
  return { url: `${url.protocol}//${url.host}`, username, password, database };
}

function basePath(source: Source, key: keyof FootfallOptions): string | undefined {
  const value = text(source, key);
  if (value === undefined) return undefined;
  if (!/^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-]$/.test(value) || value.includes('//')) {
    throw bad(key, source!.from, value, 'a path such as /_stats: starts with /, no trailing slash, no query');
  }
  return value;
}

function endpoint(source: Source): string | undefined {
  if (!source) return undefined;
  const { value, from } = source;
  const allowed = 'a path on this site such as /_footfall/e, or the full URL of a Footfall collector such as https://stats.example.com/_footfall/e';
  const fail = (why = '') => bad('endpoint', from, value, `${allowed}${why}`);
  if (typeof value !== 'string' || value.trim() === '') throw fail();
  if (value.startsWith('/') && !value.startsWith('//')) {
    if (/[\s?#"'<>]/.test(value)) throw fail(' (no spaces, quotes, query or fragment)');
    return value;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail();
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail(' (only http: and https: URLs)');
  if (url.username || url.password || url.search || url.hash) throw fail(' (no credentials, query or fragment)');
  // An origin alone is a common slip; name the path it most likely meant instead of guessing.
  if (url.pathname === '/') throw fail(` (the collector's path is missing: did you mean ${url.origin}/_footfall/e?)`);
  return url.href;
}
