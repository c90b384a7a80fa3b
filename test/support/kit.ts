import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFootfall, type Footfall, type FootfallContext } from '../../packages/runtime/src/footfall.ts';
import type { FootfallOptions } from '../../packages/runtime/src/options.ts';
import { sharedClickHouse, uniqueDatabase } from './clickhouse-server.ts';
import { storedBytes } from './stored-bytes.ts';

export const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const GEO_DB = new URL('../fixtures/geo/GeoLite2-City-Test.mmdb', import.meta.url).pathname;
/** A MaxMind test-database address: GB / England / London. */
export const LONDON_IP = '81.2.69.142';

export interface Harness {
  ff: Footfall;
  dir: string;
  clock: { now: number };
  send(body: unknown, init?: { headers?: Record<string, string>; ip?: string; raw?: string }): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  api<T = Record<string, unknown>>(path: string): Promise<T>;
  files(): string[];
  close(): Promise<void>;
}

/** A Footfall on a temp data dir with a hand-driven clock, spoken to through its fetch handler. */
export async function harness(options: FootfallOptions = {}, context: FootfallContext = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-test-'));
  const clock = { now: Date.UTC(2026, 2, 10, 12, 0, 0) };
  // storage 'clickhouse': a real server shared by the test file, a fresh database per harness.
  const clickhouse = options.storage === 'clickhouse' && !options.clickhouseUrl ? await sharedClickHouse() : undefined;
  if (clickhouse) options = { ...options, clickhouseUrl: clickhouse.url, clickhouseDatabase: uniqueDatabase() };
  const ff = await createFootfall({ dataDir: dir, timezone: 'UTC', ...options }, { env: {}, now: () => clock.now, timers: false, log: () => {}, ...context });
  const h: Harness = {
    ff,
    dir,
    clock,
    send(body, init = {}) {
      return ff.fetch(
        new Request('http://site.test/_footfall/e', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA, ...init.headers },
          body: init.raw ?? JSON.stringify(body),
        }),
        { clientAddress: init.ip ?? '203.0.113.9' },
      );
    },
    get(path, headers = {}) {
      return ff.fetch(new Request(`http://site.test${path}`, { headers }), { clientAddress: '127.0.0.1' });
    },
    async api(path) {
      const res = await h.get(`/_analytics/api/${path}`, options.password ? { authorization: `Bearer ${options.password}` } : {});
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as never;
    },
    // With ClickHouse, the server's data directory is part of what is on disk.
    files: () => [
      ...readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .map((f) => join(dir, f))
        .filter((f) => statSync(f).isFile()),
      ...(clickhouse?.files() ?? []),
    ],
    async close() {
      await ff.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

export function pageview(url = 'https://site.test/', extra: Record<string, unknown> = {}) {
  return { k: 'p', u: url, s: 'sess1', ...extra };
}

/** Everything the files hold, ClickHouse's compressed columns decompressed too (stored-bytes.ts). */
export function readAll(files: string[]): Buffer {
  return Buffer.concat(files.map(storedBytes));
}
