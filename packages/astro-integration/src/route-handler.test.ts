import type { APIContext } from 'astro';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RouteConfig } from './route-config.ts';
import { closeSharedFootfalls, footfallRoute, sharedFootfall, withoutTrailingSlash } from './route-handler.ts';
import { BROWSER_UA } from '../../../test/support/astro-sites.ts';

const ORIGIN = 'http://127.0.0.1:4321';
const config: RouteConfig = { options: {}, dev: true, sitePrefix: '', trailingSlash: 'ignore', collectorBase: '/_footfall', dashboardBase: '/_analytics' };

/** The part of Astro's APIContext the route reads; `clientAddress` may throw, as in Astro. */
function context(request: Request, clientAddress?: string): APIContext {
  return {
    request,
    get clientAddress(): string {
      if (clientAddress === undefined) throw new Error('clientAddress is not available');
      return clientAddress;
    },
  } as APIContext;
}

const beacon = () =>
  new Request(`${ORIGIN}/_footfall/e`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA },
    body: JSON.stringify({ k: 'p', u: `${ORIGIN}/`, s: 'abc123' }),
  });

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'footfall-astro-route-'));
});
afterEach(async () => {
  await closeSharedFootfalls();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('footfallRoute', () => {
  it('hands requests to the runtime: a beacon is stored and counted', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const env = { FOOTFALL_DATA_DIR: join(dataDir, 'counted') };
    const collector = footfallRoute(config, env);
    const dashboard = footfallRoute(config, env);
    expect((await collector(context(beacon(), '203.0.113.9'))).status).toBe(202);
    const summary = await dashboard(context(new Request(`${ORIGIN}/_analytics/api/summary?period=today`)));
    expect(await summary.json()).toMatchObject({ visitors: 1, visits: 1, pageviews: 1 });
  });

  it('works when Astro has no client address for the request', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const route = footfallRoute(config, { FOOTFALL_DATA_DIR: join(dataDir, 'no-address') });
    expect((await route(context(beacon()))).status).toBe(202);
  });

  it('answers 503 when Footfall cannot start, and logs the reason once', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const route = footfallRoute(config, { FOOTFALL_PRIVACY_MODE: 'loud', FOOTFALL_DATA_DIR: join(dataDir, 'bad') });
    for (let i = 0; i < 2; i++) {
      const response = await route(context(beacon()));
      expect(response.status).toBe(503);
      expect(await response.text()).not.toMatch(/loud/);
    }
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]![0])).toMatch(/FOOTFALL_PRIVACY_MODE is "loud"/);
  });
});

describe('sharedFootfall', () => {
  it('opens one Footfall per configuration for the whole process', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const env = { FOOTFALL_DATA_DIR: join(dataDir, 'shared') };
    const first = sharedFootfall(config, env);
    expect(sharedFootfall(config, env)).toBe(first);
    expect(sharedFootfall({ ...config, dev: false }, env)).not.toBe(first);
    await closeSharedFootfalls();
    expect(sharedFootfall(config, env)).not.toBe(first);
  });

  it('retries after a failed start instead of caching the failure', async () => {
    const env = { FOOTFALL_PRIVACY_MODE: 'loud' };
    const failed = sharedFootfall(config, env);
    await expect(failed).rejects.toThrow(/FOOTFALL_PRIVACY_MODE/);
    expect(sharedFootfall(config, env)).not.toBe(failed);
    await expect(sharedFootfall(config, env)).rejects.toThrow();
  });
});

describe('withoutTrailingSlash', () => {
  it("removes the slash Astro's trailingSlash: 'always' adds, and keeps the body", async () => {
    const request = withoutTrailingSlash(new Request(`${ORIGIN}/_footfall/e/?x=1`, { method: 'POST', body: '{"a":1}' }));
    expect(request.url).toBe(`${ORIGIN}/_footfall/e?x=1`);
    expect(await request.text()).toBe('{"a":1}');
    const plain = new Request(`${ORIGIN}/_analytics`);
    expect(withoutTrailingSlash(plain)).toBe(plain);
  });
});
