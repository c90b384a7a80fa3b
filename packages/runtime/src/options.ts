import { resolve } from 'node:path';
import { FootfallConfigError } from './errors.ts';
import { parseCidr, type Cidr } from './net/ip.ts';
import { GOALS_ALLOWED, parseGoals } from './stats/goals.ts';
import { FUNNELS_ALLOWED, parseFunnels, type Funnel, type FunnelInput } from './stats/funnels.ts';
import type { Goal } from './model/stats.ts';

export const PRIVACY_MODES = ['standard', 'strict', 'paranoid'] as const;
export const STORAGE_ENGINES = ['sqlite', 'json', 'clickhouse'] as const;
export type PrivacyMode = (typeof PRIVACY_MODES)[number];
export type StorageEngine = (typeof STORAGE_ENGINES)[number];

/** Where locations come from: the database shipped with the runtime, the owner's files, or nowhere. */
export type GeoSetting = { readonly source: 'built-in' } | { readonly source: 'files'; readonly paths: readonly string[] } | { readonly source: 'off' };

export interface ClickHouseSettings {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly database: string;
}

/** A goal as an owner writes it: a custom event's name, `{ event, revenue? }` or `{ page }`. */
export type GoalInput = string | { readonly event: string; readonly revenue?: string } | { readonly page: string };

/** Where a value came from, for error messages: an environment variable or the code option. */
type Source = { readonly value: unknown; readonly from: string } | undefined;

// Keys are plain strings here: the rows below are typed from this, so it cannot name them.
interface ParseContext {
  readonly key: string;
  readonly cwd: string;
  /** Another setting's resolved value, for defaults that follow it (the endpoint follows the collector's base). */
  readonly resolved: (key: string) => unknown;
}

/**
 * One setting, described once: its environment variable, when a site reads it, its README
 * line, and how a value is checked. `input` only carries the code option's type.
 */
interface Setting<I, O> {
  readonly input: I;
  readonly env: `FOOTFALL_${string}`;
  /** `start`: read by the server when it starts; `build`: written into pages or routes. */
  readonly readAt: 'start' | 'build' | 'build and start';
  /** README's "default" and "allowed" columns, in Markdown. */
  readonly default: string;
  readonly allowed: string;
  readonly parse: (source: Source, context: ParseContext) => O;
}

const input = <T>(): T => undefined as T;

/**
 * Every setting, in the README's order. Resolution, validation, `ENV_NAMES`, the option types
 * and README's settings table (a test compares it) all come from these rows.
 */
export const SETTINGS = {
  /** Where the database lives. Default `.footfall` in the server's working directory. */
  dataDir: {
    input: input<string>(),
    env: 'FOOTFALL_DATA_DIR',
    readAt: 'start',
    default: "`.footfall` in the server's working directory",
    allowed: 'a writable directory',
    parse: (s, c) => resolve(c.cwd, text(s, c) ?? '.footfall'),
  },
  /** The storage engine. Default `sqlite`. */
  storage: {
    input: input<StorageEngine>(),
    env: 'FOOTFALL_STORAGE',
    readAt: 'start',
    default: '`sqlite`',
    allowed: '`sqlite`, `json`, `clickhouse`',
    parse: (s, c) => oneOf(s, c, STORAGE_ENGINES) ?? 'sqlite',
  },
  /**
   * ClickHouse server (storage 'clickhouse'): http(s)://[user[:password]@]host:port[/database].
   * User, password and database may instead come from their own settings below.
   */
  clickhouseUrl: {
    input: input<string>(),
    env: 'FOOTFALL_CLICKHOUSE_URL',
    readAt: 'start',
    default: 'none (required with `clickhouse`)',
    allowed: "`http(s)://[user[:password]@]host:port[/database]`, ClickHouse's HTTP interface",
    parse: (s): string | undefined => (s ? String(s.value) : undefined),
  },
  clickhouseUser: {
    input: input<string>(),
    env: 'FOOTFALL_CLICKHOUSE_USER',
    readAt: 'start',
    default: "the URL's user, else `default`",
    allowed: 'a ClickHouse user',
    parse: (s, c) => text(s, c),
  },
  clickhousePassword: {
    input: input<string>(),
    env: 'FOOTFALL_CLICKHOUSE_PASSWORD',
    readAt: 'start',
    default: "the URL's password, else none",
    allowed: 'its password (never echoed in errors)',
    parse: (s) => (s ? String(s.value) : undefined),
  },
  /** Default `footfall` (created if missing). */
  clickhouseDatabase: {
    input: input<string>(),
    env: 'FOOTFALL_CLICKHOUSE_DATABASE',
    readAt: 'start',
    default: "the URL's path, else `footfall`",
    allowed: 'letters, digits, `_`; created if missing',
    parse: (s, c) => text(s, c),
  },
  privacyMode: {
    input: input<PrivacyMode>(),
    env: 'FOOTFALL_PRIVACY_MODE',
    readAt: 'start',
    default: '`standard`',
    allowed: '`standard`, `strict`, `paranoid` (see below)',
    parse: (s, c) => oneOf(s, c, PRIVACY_MODES) ?? 'standard',
  },
  /** Hours a visitor-hash salt lives before it is destroyed (1-8760). Default 24. */
  hashRotationHours: {
    input: input<number>(),
    env: 'FOOTFALL_HASH_ROTATION_HOURS',
    readAt: 'start',
    default: '`24`',
    allowed: "1-8760; 24 h buckets (and multiples) start at the site's midnight",
    parse: (s, c) => integer(s, c, 1, 8760) ?? 24,
  },
  /** Delete events older than this many days. Default: keep everything. */
  retentionDays: {
    input: input<number>(),
    env: 'FOOTFALL_RETENTION_DAYS',
    readAt: 'start',
    default: 'keep everything',
    allowed: '1-36500: older events are deleted automatically (hourly)',
    parse: (s, c) => integer(s, c, 1, 36500),
  },
  /** Proxies whose X-Forwarded-For is believed: IPs or CIDRs. */
  trustedProxies: {
    input: input<string | string[]>(),
    env: 'FOOTFALL_TRUSTED_PROXIES',
    readAt: 'start',
    default: 'none',
    allowed: 'IPs / CIDRs, comma-separated; only their `X-Forwarded-For` is believed',
    parse: (s, c): readonly Cidr[] => list(s).map((item) => parseCidr(item) ?? fail(s!, c, item, 'IP addresses or CIDR ranges such as 10.0.0.0/8 or ::1, separated by commas')),
  },
  /** Lets a server-side caller assert the visitor's IP with `Authorization: Bearer <key>`. */
  serverKey: {
    input: input<string>(),
    env: 'FOOTFALL_SERVER_KEY',
    readAt: 'start',
    default: 'none',
    allowed: '16+ characters; lets server-side calls assert the visitor IP',
    parse: (s, c) => secret(s, c, 16),
  },
  /** Protects the dashboard and API. Required in production unless `publicDashboard`. */
  password: {
    input: input<string>(),
    env: 'FOOTFALL_PASSWORD',
    readAt: 'start',
    default: 'none',
    allowed: '8+ characters; required for the dashboard in production',
    parse: (s, c) => secret(s, c, 8),
  },
  /** Serve the dashboard without a password in production. */
  publicDashboard: {
    input: input<boolean>(),
    env: 'FOOTFALL_PUBLIC_DASHBOARD',
    readAt: 'start',
    default: '`false`',
    allowed: '`true` serves the dashboard without a password',
    parse: (s, c) => bool(s, c) ?? false,
  },
  /**
   * Geolocation. Default: the built-in country database (no set-up). Path(s) to MaxMind-format
   * .mmdb files (e.g. GeoLite2-City) for region and city precision; `false` (or
   * FOOTFALL_GEO_DB=off) turns it off.
   */
  geoDb: {
    input: input<string | string[] | false>(),
    env: 'FOOTFALL_GEO_DB',
    readAt: 'start',
    default: 'the built-in country database',
    allowed: 'path(s) to MaxMind-format `.mmdb` files, comma-separated, or `off` (`false` in code)',
    parse: (s, c) => geoSetting(s, c),
  },
  /** IANA zone the site's days start in. Default: the server's zone. */
  timezone: {
    input: input<string>(),
    env: 'FOOTFALL_TIMEZONE',
    readAt: 'start',
    default: "the server's zone",
    allowed: "an IANA zone (`Europe/Berlin`): when the site's days start",
    parse: (s, c) => timezone(s, c),
  },
  /** Query parameters kept besides UTM ones (the rest carry emails and tokens). */
  queryAllowlist: {
    input: input<string[]>(),
    env: 'FOOTFALL_QUERY_ALLOWLIST',
    readAt: 'start',
    default: 'none',
    allowed: 'query parameters to keep besides UTM (e.g. `q,page`)',
    parse: (s): readonly string[] => list(s),
  },
  /**
   * Goals: custom event names, `{ event, revenue }` (revenue: the prop with the amount) or
   * `{ page: '/blog/**' }` path patterns, counted from stored events at query time.
   */
  goals: {
    input: input<GoalInput[]>(),
    env: 'FOOTFALL_GOALS',
    readAt: 'start',
    default: 'none',
    allowed: 'a list of goals: event names, `{ event, revenue }`, `{ page: "/blog/**" }`; the variable holds it as JSON (see Goals)',
    parse: (s, c) => goals(s, c),
  },
  /** Funnels: named lists of 2-8 steps, each a goal's name, an event name, `{ event }` or `{ page }`. */
  funnels: {
    input: input<FunnelInput[]>(),
    env: 'FOOTFALL_FUNNELS',
    readAt: 'start',
    default: 'none',
    allowed: 'a list of `{ name, steps }` with 2-8 steps, each a goal\'s name, an event name, `{ event }` or `{ page: "/pricing" }`; the variable holds it as JSON (see Funnels)',
    parse: (s, c) => funnels(s, c),
  },
  /** Tracker: record outbound link clicks. Default true. */
  trackOutbound: {
    input: input<boolean>(),
    env: 'FOOTFALL_TRACK_OUTBOUND',
    readAt: 'start',
    default: '`true`',
    allowed: 'record clicks on links to other hosts',
    parse: (s, c) => bool(s, c) ?? true,
  },
  /** Tracker: record file downloads. Default true. */
  trackDownloads: {
    input: input<boolean>(),
    env: 'FOOTFALL_TRACK_DOWNLOADS',
    readAt: 'start',
    default: '`true`',
    allowed: 'record clicks on links to files',
    parse: (s, c) => bool(s, c) ?? true,
  },
  /** Tracker: send nothing when the browser sends Do Not Track or Global Privacy Control. */
  respectDnt: {
    input: input<boolean>(),
    env: 'FOOTFALL_RESPECT_DNT',
    readAt: 'start',
    default: '`false`',
    allowed: '`true` stores nothing from browsers sending Do Not Track / Global Privacy Control',
    parse: (s, c) => bool(s, c) ?? false,
  },
  /** Keep `#fragments` as part of the page (for hash-routed apps). */
  hashRouting: {
    input: input<boolean>(),
    env: 'FOOTFALL_HASH_ROUTING',
    readAt: 'build and start',
    default: '`false`',
    allowed: '`true` counts `#/route` changes as pages and keeps fragments',
    parse: (s, c) => bool(s, c) ?? false,
  },
  /** Tracker: also count visits to localhost. Default false. */
  allowLocalhost: {
    input: input<boolean>(),
    env: 'FOOTFALL_ALLOW_LOCALHOST',
    readAt: 'build',
    default: '`false`',
    allowed: '`true` also counts visits to localhost',
    parse: (s, c) => bool(s, c) ?? false,
  },
  /** Base path of the collector routes. Default `/_footfall`. */
  collectorBase: {
    input: input<string>(),
    env: 'FOOTFALL_COLLECTOR_BASE',
    readAt: 'build',
    default: '`/_footfall`',
    allowed: 'a path; the collector is `<base>/e`',
    parse: (s, c) => basePath(s, c) ?? '/_footfall',
  },
  /** Base path of the dashboard. Default `/_analytics`. */
  dashboardBase: {
    input: input<string>(),
    env: 'FOOTFALL_DASHBOARD_BASE',
    readAt: 'build',
    default: '`/_analytics`',
    allowed: 'a path',
    parse: (s, c) => basePath(s, c) ?? '/_analytics',
  },
  /**
   * Where the tracker sends beacons: a path, or the full URL of a Footfall server elsewhere
   * (for statically hosted sites). Default `<collectorBase>/e` on the site itself.
   */
  endpoint: {
    input: input<string>(),
    env: 'FOOTFALL_ENDPOINT',
    readAt: 'build',
    default: '`<collectorBase>/e`',
    allowed: 'where the tracker sends beacons: a path, or the full URL of another Footfall server',
    parse: (s, c) => endpoint(s, c) ?? `${c.resolved('collectorBase') as string}/e`,
  },
} as const satisfies Record<string, Setting<unknown, unknown>>;

type Settings = typeof SETTINGS;
type SettingName = keyof Settings;
type Resolved<K extends SettingName> = ReturnType<Settings[K]['parse']>;

/** What a site owner writes in `footfall({...})`. Every field has a FOOTFALL_* override. */
export type FootfallOptions = { -readonly [K in SettingName]?: Settings[K]['input'] };

const RESOLVED: unique symbol = Symbol('@footfall/runtime: resolved options');

/** Options after the environment and the checks: what the runtime reads. */
export type ResolvedOptions = { readonly [K in SettingName]: Resolved<K> } & {
  /** Set when storage is 'clickhouse': the URL's parts merged with their own settings. */
  readonly clickhouse: ClickHouseSettings | undefined;
  readonly [RESOLVED]: true;
};

/** The environment variable that overrides each option; the environment always wins. */
export const ENV_NAMES = Object.fromEntries(Object.entries(SETTINGS).map(([key, s]) => [key, s.env])) as { readonly [K in SettingName]: Settings[K]['env'] };

type Env = Record<string, string | undefined>;

/**
 * Resolves options once: code options, overridden by the environment, validated. Never mutates
 * the caller's object. Throws FootfallConfigError naming the setting and its allowed values.
 */
export function resolveOptions(options: FootfallOptions = {}, env: Env = process.env, cwd = process.cwd()): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new FootfallConfigError('options', `footfall() takes an options object, got ${typeof options}.`);
  }
  const read = (key: SettingName): Source => {
    const fromEnv = env[SETTINGS[key].env];
    if (fromEnv !== undefined && fromEnv.trim() !== '') return { value: fromEnv.trim(), from: SETTINGS[key].env };
    if (options[key] !== undefined) return { value: options[key], from: `footfall({ ${key} })` };
    return undefined;
  };
  const values = new Map<SettingName, unknown>();
  const resolved = (key: string): unknown => {
    const name = key as SettingName;
    if (!values.has(name)) values.set(name, (SETTINGS[name].parse as Setting<unknown, unknown>['parse'])(read(name), { key, cwd, resolved }));
    return values.get(name);
  };
  const out = Object.fromEntries(Object.keys(SETTINGS).map((key) => [key, resolved(key)]));
  return { ...out, clickhouse: out['storage'] === 'clickhouse' ? clickhouse(read) : undefined, [RESOLVED]: true } as ResolvedOptions;
}

/** Whether these options came out of `resolveOptions` (or a copy of its result). */
export function isResolved(input: object): input is ResolvedOptions {
  return (input as Partial<ResolvedOptions>)[RESOLVED] === true;
}

function bad(c: Pick<ParseContext, 'key'>, from: string, value: unknown, allowed: string): FootfallConfigError {
  // Secrets are never echoed back: error messages end up in logs.
  const shown = c.key === 'password' || c.key === 'serverKey' ? '(hidden)' : JSON.stringify(value);
  const env: string = SETTINGS[c.key as SettingName].env;
  const where = from.startsWith('FOOTFALL_') ? from : `${from} (or ${env})`;
  return new FootfallConfigError(env, `${where} is ${shown}; allowed: ${allowed}.`);
}

function fail(source: NonNullable<Source>, c: ParseContext, value: unknown, allowed: string): never {
  throw bad(c, source.from, value, allowed);
}

function text(source: Source, c: ParseContext): string | undefined {
  if (!source) return undefined;
  if (typeof source.value !== 'string' || source.value.trim() === '') fail(source, c, source.value, 'a non-empty string');
  return source.value;
}

function oneOf<T extends string>(source: Source, c: ParseContext, allowed: readonly T[]): T | undefined {
  if (!source) return undefined;
  const value = typeof source.value === 'string' ? source.value.toLowerCase() : source.value;
  if (!allowed.includes(value as T)) fail(source, c, source.value, allowed.join(', '));
  return value as T;
}

function integer(source: Source, c: ParseContext, min: number, max: number): number | undefined {
  if (!source) return undefined;
  const value = typeof source.value === 'string' && /^\d+$/.test(source.value) ? Number(source.value) : source.value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(source, c, source.value, `a whole number from ${min} to ${max}`);
  }
  return value;
}

function bool(source: Source, c: ParseContext): boolean | undefined {
  if (!source) return undefined;
  if (typeof source.value === 'boolean') return source.value;
  const value = String(source.value).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  return fail(source, c, source.value, 'true or false');
}

function list(source: Source): string[] {
  if (!source) return [];
  const items = Array.isArray(source.value) ? source.value : String(source.value).split(/[\s,]+/);
  return items.map((item) => String(item).trim()).filter(Boolean);
}

function geoSetting(source: Source, c: ParseContext): GeoSetting {
  if (!source) return { source: 'built-in' };
  if (source.value === false || (typeof source.value === 'string' && ['off', 'false', 'none'].includes(source.value.toLowerCase()))) {
    return { source: 'off' };
  }
  const paths = typeof source.value === 'string' || Array.isArray(source.value) ? list(source) : [];
  if (paths.length === 0) fail(source, c, source.value, 'paths to .mmdb files separated by commas, or off (unset: the built-in country database)');
  return { source: 'files', paths: paths.map((path) => resolve(c.cwd, path)) };
}

function secret(source: Source, c: ParseContext, minLength: number): string | undefined {
  if (!source) return undefined;
  if (typeof source.value !== 'string' || source.value.length < minLength) {
    fail(source, c, source.value, `a string of at least ${minLength} characters`);
  }
  return source.value;
}

function timezone(source: Source, c: ParseContext): string {
  if (!source) return Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: String(source.value) }).resolvedOptions().timeZone;
  } catch {
    return fail(source, c, source.value, 'an IANA time zone such as UTC, Europe/Berlin or America/New_York');
  }
}

/**
 * The ClickHouse connection, validated at start: a URL is required; user, password and database
 * come from the URL or their own settings (which win), never both spelled differently.
 */
function clickhouse(read: (key: SettingName) => Source): ClickHouseSettings {
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
    throw new FootfallConfigError(
      'FOOTFALL_CLICKHOUSE_URL',
      `${source.from} is ${JSON.stringify(shown(url))}; allowed: ${allowed} (http: or https:, ClickHouse's HTTP interface).`,
    );
  }
  if (url.search || url.hash) throw new FootfallConfigError('FOOTFALL_CLICKHOUSE_URL', `${source.from} has a query or fragment; allowed: ${allowed}.`);
  const fromPath = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''));
  const context = (key: SettingName): ParseContext => ({ key, cwd: '', resolved: () => undefined });
  const database = text(read('clickhouseDatabase'), context('clickhouseDatabase')) ?? (fromPath || 'footfall');
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(database)) {
    throw new FootfallConfigError(
      'FOOTFALL_CLICKHOUSE_DATABASE',
      `the ClickHouse database is ${JSON.stringify(database)}; allowed: letters, digits and underscores, not starting with a digit.`,
    );
  }
  const username = text(read('clickhouseUser'), context('clickhouseUser')) ?? (decodeURIComponent(url.username) || 'default');
  const passwordSource = read('clickhousePassword');
  const password = passwordSource ? String(passwordSource.value) : decodeURIComponent(url.password);
  return { url: `${url.protocol}//${url.host}`, username, password, database };
}

function goals(source: Source, c: ParseContext): readonly Goal[] {
  if (!source) return [];
  let value = source.value;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return fail(source, c, source.value, `JSON: ${GOALS_ALLOWED}`);
    }
  }
  const parsed = parseGoals(value);
  if ('error' in parsed) return fail(source, c, source.value, `${GOALS_ALLOWED} (${parsed.error})`);
  return parsed;
}

function funnels(source: Source, c: ParseContext): readonly Funnel[] {
  if (!source) return [];
  let value = source.value;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return fail(source, c, source.value, `JSON: ${FUNNELS_ALLOWED}`);
    }
  }
  const parsed = parseFunnels(value, c.resolved('goals') as readonly Goal[]);
  if ('error' in parsed) return fail(source, c, source.value, `${FUNNELS_ALLOWED} (${parsed.error})`);
  return parsed;
}

function basePath(source: Source, c: ParseContext): string | undefined {
  const value = text(source, c);
  if (value === undefined) return undefined;
  if (!/^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-]$/.test(value) || value.includes('//')) {
    fail(source!, c, value, 'a path such as /_stats: starts with /, no trailing slash, no query');
  }
  return value;
}

function endpoint(source: Source, c: ParseContext): string | undefined {
  if (!source) return undefined;
  const { value } = source;
  const allowed = 'a path on this site such as /_footfall/e, or the full URL of a Footfall collector such as https://stats.example.com/_footfall/e';
  const no = (why = ''): never => fail(source, c, value, `${allowed}${why}`);
  if (typeof value !== 'string' || value.trim() === '') return no();
  if (value.startsWith('/') && !value.startsWith('//')) {
    if (/[\s?#"'<>]/.test(value)) no(' (no spaces, quotes, query or fragment)');
    return value;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return no();
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') no(' (only http: and https: URLs)');
  if (url.username || url.password || url.search || url.hash) no(' (no credentials, query or fragment)');
  // An origin alone is a common slip; name the path it most likely meant instead of guessing.
  if (url.pathname === '/') no(` (the collector's path is missing: did you mean ${url.origin}/_footfall/e?)`);
  return url.href;
}
