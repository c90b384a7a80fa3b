import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseCidr } from './net/ip.ts';
import { ENV_NAMES, isResolved, resolveOptions, SETTINGS } from './options.ts';

describe('resolveOptions', () => {
  it('fills defaults', () => {
    const o = resolveOptions({}, {}, '/srv/site');
    expect(o).toMatchObject({
      dataDir: '/srv/site/.footfall',
      storage: 'sqlite',
      privacyMode: 'standard',
      hashRotationHours: 24,
      retentionDays: undefined,
      collectorBase: '/_footfall',
      dashboardBase: '/_analytics',
      trackOutbound: true,
      allowLocalhost: false,
      publicDashboard: false,
      geoDb: { source: 'built-in' },
    });
  });

  it('lets the environment win over code options, and does not touch the input', () => {
    const input = { privacyMode: 'standard' as const, hashRotationHours: 24, trustedProxies: ['10.0.0.1'] };
    const o = resolveOptions(input, { FOOTFALL_PRIVACY_MODE: 'paranoid', FOOTFALL_HASH_ROTATION_HOURS: '6', FOOTFALL_TRUSTED_PROXIES: '10.0.0.0/8, ::1' }, '/');
    expect(o.privacyMode).toBe('paranoid');
    expect(o.hashRotationHours).toBe(6);
    expect(o.trustedProxies).toEqual([parseCidr('10.0.0.0/8'), parseCidr('::1')]);
    expect(input).toEqual({ privacyMode: 'standard', hashRotationHours: 24, trustedProxies: ['10.0.0.1'] });
  });

  it('is the README settings table: one row per setting, from the same table the code resolves with', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const head = '| option | environment | default | allowed | read at |\n|---|---|---|---|---|\n';
    const start = readme.indexOf(head);
    expect(start, 'README has the settings table').toBeGreaterThan(0);
    const table = readme.slice(start, readme.indexOf('\n\n', start) + 1);
    const rows = Object.entries(SETTINGS).map(([key, s]) => `| \`${key}\` | \`${s.env}\` | ${s.default} | ${s.allowed} | ${s.readAt} |\n`);
    expect(table).toBe(head + rows.join(''));
  });

  it('tells resolved options from raw ones, copies included', () => {
    const o = resolveOptions({}, {}, '/');
    expect(isResolved(o)).toBe(true);
    expect(isResolved({ ...o, dataDir: '/elsewhere' })).toBe(true);
    expect(isResolved({ dataDir: '/srv', trustedProxies: ['10.0.0.1'] })).toBe(false);
  });

  it('has an environment override for every option', () => {
    for (const [key, env] of Object.entries(ENV_NAMES)) expect(env, key).toMatch(/^FOOTFALL_[A-Z_]+$/);
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ FOOTFALL_STORAGE: 'mysql' }, /FOOTFALL_STORAGE is "mysql"; allowed: sqlite, json/],
    [{ FOOTFALL_PRIVACY_MODE: 'loose' }, /FOOTFALL_PRIVACY_MODE is "loose"; allowed: standard, strict, paranoid/],
    [{ FOOTFALL_HASH_ROTATION_HOURS: '0' }, /FOOTFALL_HASH_ROTATION_HOURS .*whole number from 1 to 8760/],
    [{ FOOTFALL_HASH_ROTATION_HOURS: '8761' }, /from 1 to 8760/],
    [{ FOOTFALL_HASH_ROTATION_HOURS: '1.5' }, /from 1 to 8760/],
    [{ FOOTFALL_RETENTION_DAYS: 'forever' }, /FOOTFALL_RETENTION_DAYS/],
    [{ FOOTFALL_TRUSTED_PROXIES: '10.0.0.0/33' }, /FOOTFALL_TRUSTED_PROXIES .*CIDR/],
    [{ FOOTFALL_TIMEZONE: 'Mars/Olympus' }, /FOOTFALL_TIMEZONE .*IANA time zone/],
    [{ FOOTFALL_PUBLIC_DASHBOARD: 'maybe' }, /FOOTFALL_PUBLIC_DASHBOARD .*true or false/],
    [{ FOOTFALL_DASHBOARD_BASE: 'stats/' }, /FOOTFALL_DASHBOARD_BASE .*starts with \//],
    [{ FOOTFALL_SERVER_KEY: 'short' }, /FOOTFALL_SERVER_KEY is \(hidden\); allowed: a string of at least 16/],
  ];
  it.each(bad)('stops on %j naming the setting and the allowed values', (env, message) => {
    expect(() => resolveOptions({}, env, '/')).toThrow(message);
  });

  it('takes goals in code or as JSON in FOOTFALL_GOALS, and names the setting on a bad one', () => {
    expect(resolveOptions({}, {}, '/').goals).toEqual([]);
    const goals = ['Signup', { event: 'Purchase', revenue: 'amount' }, { page: '/blog/**' }];
    const named = [
      { kind: 'event', name: 'Signup', event: 'Signup' },
      { kind: 'event', name: 'Purchase', event: 'Purchase', revenue: 'amount' },
      { kind: 'page', name: 'Visit /blog/**', page: '/blog/**' },
    ];
    expect(resolveOptions({ goals }, {}, '/').goals).toEqual(named);
    expect(resolveOptions({ goals: ['Other'] }, { FOOTFALL_GOALS: JSON.stringify(goals) }, '/').goals).toEqual(named);
    expect(() => resolveOptions({}, { FOOTFALL_GOALS: 'Signup' }, '/')).toThrow(/FOOTFALL_GOALS is "Signup"; allowed: JSON: up to 50 goals/);
    expect(() => resolveOptions({ goals: [''] }, {}, '/')).toThrow(/footfall\(\{ goals \}\) \(or FOOTFALL_GOALS\) is \[""\]; allowed: .*event name of 1-120/);
    expect(() => resolveOptions({ goals: ['A', 'A'] }, {}, '/')).toThrow(/FOOTFALL_GOALS.*"A"\) is a duplicate/);
    expect(() => resolveOptions({ goals: [{ page: '/a*' }] }, {}, '/')).toThrow(/FOOTFALL_GOALS.*whole path segments/);
    expect(() => resolveOptions({ goals: [{ event: 'P', revenue: 1 as unknown as string }] }, {}, '/')).toThrow(/FOOTFALL_GOALS.*not a prop name/);
    expect(() => resolveOptions({ goals: Array.from({ length: 51 }, (_, i) => `E${i}`) }, {}, '/')).toThrow(/FOOTFALL_GOALS.*51 goals \(at most 50\)/);
  });

  it('takes a tracker endpoint: a path, or the full URL of a collector elsewhere', () => {
    expect(resolveOptions({}, {}, '/').endpoint).toBe('/_footfall/e');
    expect(resolveOptions({ collectorBase: '/_ff' }, {}, '/').endpoint).toBe('/_ff/e');
    expect(resolveOptions({}, { FOOTFALL_ENDPOINT: 'https://stats.example.com/_footfall/e' }, '/').endpoint).toBe('https://stats.example.com/_footfall/e');
    expect(() => resolveOptions({ endpoint: 'https://stats.example.com' }, {}, '/')).toThrow(/did you mean https:\/\/stats\.example\.com\/_footfall\/e/);
    expect(() => resolveOptions({ endpoint: 'javascript:alert(1)' }, {}, '/')).toThrow(/FOOTFALL_ENDPOINT/);
    expect(() => resolveOptions({ endpoint: '/e?x=1' }, {}, '/')).toThrow(/no spaces, quotes, query or fragment/);
  });

  it.each([
    ['', /a path on this site/],
    ['stats.example.com/_footfall/e', /full URL of a Footfall collector/],
    ['ftp://stats.example.com/e', /only http: and https:/],
    ['https://stats.example.com/e?site=1', /no credentials, query or fragment/],
    ['//stats.example.com/e', /allowed:/],
  ])('rejects the endpoint %j with the fix', (endpoint, message) => {
    expect(() => resolveOptions({ endpoint }, {}, '/')).toThrow(message);
  });

  it('geolocates with the built-in database unless files are named or it is turned off', () => {
    expect(resolveOptions({}, {}, '/srv').geoDb).toEqual({ source: 'built-in' });
    expect(resolveOptions({ geoDb: 'geo/City.mmdb' }, {}, '/srv').geoDb).toEqual({ source: 'files', paths: ['/srv/geo/City.mmdb'] });
    expect(resolveOptions({}, { FOOTFALL_GEO_DB: 'a.mmdb, /b.mmdb' }, '/srv').geoDb).toEqual({ source: 'files', paths: ['/srv/a.mmdb', '/b.mmdb'] });
    expect(resolveOptions({ geoDb: false }, {}, '/srv').geoDb).toEqual({ source: 'off' });
    expect(resolveOptions({ geoDb: 'geo/City.mmdb' }, { FOOTFALL_GEO_DB: 'OFF' }, '/srv').geoDb).toEqual({ source: 'off' });
    expect(() => resolveOptions({ geoDb: [] }, {}, '/')).toThrow(
      /footfall\(\{ geoDb \}\) \(or FOOTFALL_GEO_DB\) is \[\]; allowed: paths to \.mmdb files separated by commas, or off/,
    );
    expect(() => resolveOptions({ geoDb: true as never }, {}, '/')).toThrow(/FOOTFALL_GEO_DB\) is true; allowed/);
  });

  it('names the code option too when it is the source of a bad value', () => {
    expect(() => resolveOptions({ storage: 'postgres' as never }, {}, '/')).toThrow(/footfall\(\{ storage \}\) \(or FOOTFALL_STORAGE\) is "postgres"/);
  });

  it('never echoes a password into the error', () => {
    expect(() => resolveOptions({ password: 'abc' }, {}, '/')).toThrow(/\(hidden\)/);
    try {
      resolveOptions({ password: 'abc' }, {}, '/');
    } catch (error) {
      expect((error as Error).message).not.toContain('abc');
      expect((error as Error).name).toBe('FootfallConfigError');
    }
  });
});
