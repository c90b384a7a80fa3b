import { afterEach, describe, expect, it } from 'vitest';
import { harness, LONDON_IP, pageview, type Harness } from '../../../../test/support/kit.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/types.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let h: Harness;
afterEach(() => h?.close());

const CSP =
  /^default-src 'none'; script-src 'nonce-([A-Za-z0-9+/=]+)'; style-src 'nonce-\1'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/;

/** A store that records which breakdowns the page asks for, how many run at once, and how often it asks for the oldest event. */
function counting(store: Store) {
  const seen = { properties: [] as string[], inFlight: 0, maxInFlight: 0, earliest: 0 };
  const wrapped = new Proxy(store, {
    get(target, key) {
      // Bound to the real store: its #private fields are not reachable through a proxy.
      const value = Reflect.get(target, key, target) as unknown;
      if (key === 'earliest') {
        return () => {
          seen.earliest++;
          return target.earliest();
        };
      }
      if (key !== 'breakdown') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<Store['breakdown']>) => {
        seen.properties.push(args[1]);
        seen.maxInFlight = Math.max(seen.maxInFlight, ++seen.inFlight);
        try {
          return await target.breakdown(...args);
        } finally {
          seen.inFlight--;
        }
      };
    },
  });
  return { store: wrapped, seen };
}

describe('dashboard page (server side)', () => {
  it('sends a CSP whose fresh nonce is the only way its style and script run', async () => {
    h = await harness({ publicDashboard: true });
    await h.send(pageview('https://site.test/a'), { ip: LONDON_IP });
    const [one, two] = [await h.get('/_analytics'), await h.get('/_analytics')];
    const nonce = CSP.exec(one.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeDefined();
    expect(CSP.exec(two.headers.get('content-security-policy')!)![1]).not.toBe(nonce);
    expect(one.headers.get('x-frame-options')).toBe('DENY');
    const html = await one.text();
    expect(html.match(/<(script|style)\b[^>]*>/g)).toEqual([`<style nonce="${nonce}">`, `<script nonce="${nonce}">`]);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
    expect(html).toMatch(/^<!doctype html><html lang="en">/);
    for (const landmark of ['<header', '<nav', '<main', '<footer']) expect(html).toContain(landmark);
    expect(html.match(/<h1[ >]/g)).toHaveLength(1);
  });

  it('gives the login, locked and bad-view pages the same policy', async () => {
    h = await harness({ password: 'correct horse' });
    const login = await h.get('/_analytics');
    expect(login.status).toBe(401);
    expect(login.headers.get('content-security-policy')).toMatch(CSP);
    const bad = await h.get('/_analytics?filter=colour:red', { authorization: 'Bearer correct horse' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-security-policy')).toMatch(CSP);
    expect(await bad.text()).toContain('unknown filter property');
    await h.close();
    h = await harness();
    const locked = await h.get('/_analytics');
    expect(locked.status).toBe(403);
    expect(locked.headers.get('content-security-policy')).toMatch(CSP);
  });

  it('shows a new site how to check that tracking works', async () => {
    h = await harness({ publicDashboard: true });
    const html = await (await h.get('/_analytics')).text();
    expect(html).toContain('No visits recorded yet');
    expect(html).toContain('<code>/_footfall/e</code>');
    expect(html).toContain('data-empty');
    expect(html).toContain('href="/_footfall/privacy"');
  });

  it('asks one breakdown per card, for its selected tab only, all at once', async () => {
    const { store, seen } = counting(new SqliteStore(mkdtempSync(join(tmpdir(), 'footfall-count-'))));
    h = await harness({ publicDashboard: true }, { store });
    await h.send(pageview('https://site.test/a'), { ip: LONDON_IP });
    expect((await h.get('/_analytics?sources=referrer&devices=os&links=downloads')).status).toBe(200);
    expect(seen.properties.sort()).toEqual(['country', 'event', 'hostname', 'os', 'page', 'prop:url', 'referrer']);
    expect(seen.maxInFlight).toBe(7);
  });

  it('reads the query once and asks for the oldest event once, even for all time', async () => {
    const { store, seen } = counting(new SqliteStore(mkdtempSync(join(tmpdir(), 'footfall-count-'))));
    h = await harness({ publicDashboard: true }, { store });
    await h.send(pageview('https://site.test/a'), { ip: LONDON_IP });
    expect((await h.get('/_analytics?period=all')).status).toBe(200);
    expect(seen.earliest).toBe(1);
    expect((await h.get('/_analytics?period=7d')).status).toBe(200);
    expect(seen.earliest).toBe(2);
  });
});
