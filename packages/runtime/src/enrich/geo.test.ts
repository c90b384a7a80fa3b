import { open } from 'maxmind';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FootfallConfigError } from '../errors.ts';
import { createGeoLookup, geoFromRecord, noGeo, openGeo, openGeolocation, type GeoReader } from './geo.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../../../test/fixtures/geo/${name}`, import.meta.url));
const CITY = fixture('GeoLite2-City-Test.mmdb');
const GEOIP2_CITY = fixture('GeoIP2-City-Test.mmdb');
const COUNTRY = fixture('GeoLite2-Country-Test.mmdb');
const LONDON = { country: 'GB', region: 'England', city: 'London' };

/** A real reader that counts how often the database is read. */
async function countingReader(path: string): Promise<GeoReader & { reads: number }> {
  const reader = await open(path);
  const counting = {
    reads: 0,
    get(ip: string): unknown {
      counting.reads++;
      return reader.get(ip);
    },
  };
  return counting;
}

describe('openGeo with MaxMind databases', () => {
  it('resolves country, region and city from the City databases', async () => {
    for (const path of [CITY, GEOIP2_CITY]) {
      const geo = await openGeo([path]);
      expect(geo('81.2.69.142')).toEqual(LONDON);
    }
  });

  it('resolves only the country from the Country database', async () => {
    const geo = await openGeo([COUNTRY]);
    expect(geo('81.2.69.142')).toEqual({ country: 'GB' });
    expect(geo('2001:218::1')).toEqual({ country: 'JP' });
  });

  it('normalizes the address first', async () => {
    const geo = await openGeo([CITY]);
    expect(geo('::ffff:81.2.69.142')).toEqual(LONDON);
    expect(geo(' 81.2.69.142:443 ')).toEqual(LONDON);
    expect(geo('2001:480::1')).toEqual({ country: 'US', region: 'California', city: 'San Diego' });
  });

  it.each(['127.0.0.1', '10.1.2.3', '::1', '192.168.1.1', 'fe80::1', '', 'not-an-ip', '999.1.1.1'])('answers undefined for %j', async (ip) => {
    const geo = await openGeo([CITY]);
    expect(geo(ip)).toBeUndefined();
  });

  it('answers undefined for a public address no database knows', async () => {
    const geo = await openGeo([CITY, COUNTRY]);
    expect(geo('8.8.8.8')).toBeUndefined();
  });

  it('asks the databases in order until one answers', async () => {
    const countryFirst = await openGeo([COUNTRY, CITY]);
    expect(countryFirst('81.2.69.142')).toEqual({ country: 'GB' });
    // Absent from the Country test database, present in the City one.
    expect(countryFirst('175.16.199.1')).toEqual({ country: 'CN', region: 'Jilin Sheng', city: 'Changchun' });
    const cityFirst = await openGeo([GEOIP2_CITY, COUNTRY]);
    expect(cityFirst('81.2.69.142')).toEqual(LONDON);
    expect(cityFirst('2001:480::1')).toEqual({ country: 'US' });
  });

  it('returns noGeo behaviour for an empty list', async () => {
    const geo = await openGeo([]);
    expect(geo('81.2.69.142')).toBeUndefined();
    expect(noGeo('81.2.69.142')).toBeUndefined();
  });

  it('fails at start-up naming the path and FOOTFALL_GEO_DB', async () => {
    const missing = fixture('missing.mmdb');
    const error = await openGeo([CITY, missing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FootfallConfigError);
    expect((error as FootfallConfigError).setting).toBe('FOOTFALL_GEO_DB');
    const { message, cause } = error as Error;
    expect(message).toMatch(/^@footfall\/runtime:/);
    expect(message).toContain(missing);
    expect(message).toContain('FOOTFALL_GEO_DB');
    expect((cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('fails at start-up for a file that is not a database', async () => {
    const notMmdb = fixture('LICENSE-MIT');
    await expect(openGeo([notMmdb])).rejects.toThrow(/^@footfall\/runtime: .*LICENSE-MIT.*FOOTFALL_GEO_DB/s);
  });
});

describe('openGeolocation', () => {
  it('uses the built-in country database by default: countries, never a city', async () => {
    const geo = await openGeolocation({ source: 'built-in' }, () => {});
    expect(geo).toMatchObject({ precision: 'country', database: expect.stringContaining('geo-whois-asn-country') });
    expect(geo.lookup('8.8.8.8')).toEqual({ country: 'US' });
    expect(geo.lookup('2a02:c7f::1')).toEqual({ country: 'GB' });
    expect(geo.lookup('10.0.0.1')).toBeUndefined();
  });

  it('opens the named files at city precision, and nothing when off', async () => {
    const files = await openGeolocation({ source: 'files', paths: [CITY] }, () => {});
    expect(files).toMatchObject({ precision: 'city', database: 'GeoLite2-City-Test.mmdb' });
    expect(files.lookup('81.2.69.142')).toEqual(LONDON);
    const off = await openGeolocation({ source: 'off' }, () => {});
    expect(off).toMatchObject({ precision: 'off', database: undefined });
    expect(off.lookup('8.8.8.8')).toBeUndefined();
  });

  it('keeps the site counting, without locations, when the built-in database is missing, and says how to fix it', async () => {
    const logged: string[] = [];
    const geo = await openGeolocation({ source: 'built-in' }, (m) => logged.push(m), {
      builtInPath: () => {
        throw new Error('Cannot find module');
      },
    });
    expect(geo.precision).toBe('off');
    expect(geo.lookup('8.8.8.8')).toBeUndefined();
    expect(logged).toEqual([expect.stringMatching(/geolocation is off: .*@ip-location-db\/geo-whois-asn-country-mmdb.*FOOTFALL_GEO_DB=off/)]);
  });
});

describe('createGeoLookup', () => {
  it('does not read the databases for non-public or invalid addresses', async () => {
    const reader = await countingReader(CITY);
    const geo = createGeoLookup([reader]);
    for (const ip of ['127.0.0.1', '10.1.2.3', '::1', '192.168.1.1', 'garbage', '']) geo(ip);
    expect(reader.reads).toBe(0);
  });

  it('serves repeats from the cache within the TTL and re-reads after it', async () => {
    const reader = await countingReader(CITY);
    let clock = 1_000_000;
    const geo = createGeoLookup([reader], { now: () => clock, cacheTtlMs: 60_000 });
    expect(geo('81.2.69.142')).toEqual(LONDON);
    clock += 59_999;
    expect(geo('::ffff:81.2.69.142')).toEqual(LONDON);
    expect(reader.reads).toBe(1);
    clock += 1;
    expect(geo('81.2.69.142')).toEqual(LONDON);
    expect(reader.reads).toBe(2);
  });

  it('defaults to a one-hour TTL', async () => {
    const reader = await countingReader(CITY);
    let clock = 0;
    const geo = createGeoLookup([reader], { now: () => clock });
    geo('81.2.69.142');
    clock = 3_599_999;
    geo('81.2.69.142');
    expect(reader.reads).toBe(1);
    clock = 3_600_000;
    geo('81.2.69.142');
    expect(reader.reads).toBe(2);
  });

  it('caches misses too', async () => {
    const reader = await countingReader(CITY);
    const geo = createGeoLookup([reader], { now: () => 0 });
    expect(geo('8.8.8.8')).toBeUndefined();
    expect(geo('8.8.8.8')).toBeUndefined();
    expect(reader.reads).toBe(1);
  });

  it('evicts the oldest entry when full', async () => {
    const reader = await countingReader(CITY);
    const geo = createGeoLookup([reader], { now: () => 0, cacheMax: 2 });
    geo('81.2.69.142');
    geo('89.160.20.112');
    geo('216.160.83.56'); // evicts 81.2.69.142
    expect(reader.reads).toBe(3);
    geo('216.160.83.56');
    geo('89.160.20.112');
    expect(reader.reads).toBe(3);
    geo('81.2.69.142');
    expect(reader.reads).toBe(4);
  });

  it('hands out copies, so a caller cannot corrupt the cache', async () => {
    const geo = createGeoLookup([await countingReader(CITY)], { now: () => 0 });
    const first = geo('81.2.69.142')!;
    first.city = 'Paris';
    expect(geo('81.2.69.142')).toEqual(LONDON);
  });

  it('skips a reader that throws', async () => {
    const broken: GeoReader = {
      get() {
        throw new Error('Cannot lookup IPv6 address in IPv4-only database');
      },
    };
    const geo = createGeoLookup([broken, await countingReader(CITY)]);
    expect(geo('81.2.69.142')).toEqual(LONDON);
  });
});

describe('geoFromRecord', () => {
  it('maps the flat @ip-location-db city schema', () => {
    expect(
      geoFromRecord({ city: 'London', country_code: 'GB', state1: 'England', state2: '', postcode: 'EC2V', latitude: 51.5, longitude: -0.09, timezone: 'Europe/London' }),
    ).toEqual(LONDON);
  });

  it('maps the flat country schema', () => {
    expect(geoFromRecord({ country_code: 'se' })).toEqual({ country: 'SE' });
  });

  it('falls back to the registered country', () => {
    expect(geoFromRecord({ registered_country: { iso_code: 'US' } })).toEqual({ country: 'US' });
    expect(geoFromRecord({ country: { iso_code: 'GB' }, registered_country: { iso_code: 'US' } })).toEqual({
      country: 'GB',
    });
  });

  it('ignores blanks, non-English-only names and malformed values', () => {
    expect(geoFromRecord({ country_code: '', city: '  ', state1: '' })).toBeUndefined();
    expect(geoFromRecord({ country: { iso_code: 'GBR' }, city: { names: { de: 'London' } } })).toBeUndefined();
    expect(geoFromRecord({ subdivisions: 'England', city: 42 })).toBeUndefined();
    expect(geoFromRecord({ subdivisions: [{ names: { en: 'England' } }] })).toEqual({ region: 'England' });
  });

  it.each([null, undefined, 'GB', 42, [], [{ country_code: 'GB' }]])('answers undefined for %j', (record) => {
    expect(geoFromRecord(record)).toBeUndefined();
  });
});
