import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { harness, pageview } from '../../../../../test/support/kit.ts';
import { FootfallStorageError } from '../../errors.ts';
import { JsonStore, MAX_EVENTS_PER_BUCKET } from './json-store.ts';

it('keeps one file per rotation bucket and enforces its stated size limit with a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-json-'));
  const store = await JsonStore.open(dir);
  const e = (ts: number, bucket: number) => ({ ts, kind: 'pageview' as const, bucket, visitor: 'd'.repeat(32), session: `s${bucket}`, path: '/' });
  await store.append([e(1, 100), e(2, 200)]);
  expect(JSON.parse(readFileSync(join(dir, 'events', '100.json'), 'utf8')).events).toHaveLength(1);
  expect(JSON.parse(readFileSync(join(dir, 'events', '200.json'), 'utf8')).events).toHaveLength(1);
  const flood = Array.from({ length: MAX_EVENTS_PER_BUCKET }, (_, i) => e(3 + i, 200));
  await expect(store.append(flood)).rejects.toThrow(/at most 200,000 events per rotation bucket.*npx footfall migrate --to sqlite.*FOOTFALL_STORAGE=sqlite/);
  // The refused batch left nothing behind.
  expect(await store.totals({ from: 0, to: Number.MAX_SAFE_INTEGER, filters: [] })).toMatchObject({ pageviews: 2 });
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('past its limit the collector answers 503 with Retry-After, logs one line naming the limit and what to do, and takes events again in the next bucket', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-json-limit-'));
  const lines: string[] = [];
  const store = await JsonStore.open(dir, { maxEventsPerBucket: 3 });
  const h = await harness({ storage: 'json', dataDir: dir, publicDashboard: true }, { store, log: (m) => lines.push(m) });
  try {
    for (let i = 0; i < 3; i++) expect((await h.send(pageview(`https://site.test/kept${i}`, { s: `kept${i}` }))).status).toBe(202);
    const refused = await Promise.all(Array.from({ length: 5 }, (_, i) => h.send(pageview(`https://site.test/lost${i}`, { s: `lost${i}` }))));
    for (const res of refused) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeTruthy();
    }
    // One line for the lot (the log is throttled), naming the limit, the file and the way out.
    const said = lines.filter((l) => /event not stored/.test(l));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^@footfall\/runtime: event not stored: .*the JSON store holds at most 3 events per rotation bucket /);
    expect(said[0]!.match(/@footfall\/runtime/g)).toHaveLength(1);
    expect(said[0]).toContain(join(dir, 'events'));
    expect(said[0]).toMatch(/refused until the next bucket starts\. Switch to SQLite.*npx footfall migrate --to sqlite.*FOOTFALL_STORAGE=sqlite/);
    // Reads go on; nothing of the refused events was stored.
    expect(await h.api('summary?period=today')).toMatchObject({ pageviews: 3 });
    h.clock.now += 24 * 3_600_000;
    expect((await h.send(pageview('https://site.test/next-day', { s: 'next' }))).status).toBe(202);
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const B = Date.UTC(2026, 2, 10);
it.each([
  ['footfall.json', 'null', /loses the salts/],
  ['footfall.json', '{"version":1,"salts":{"17731', /not valid JSON.*loses the salts/],
  [`events/${B}.json`, 'null', /loses that rotation bucket's events/],
  [`events/${B}.json`, `{"bucket":${B},"visits":[[1,"s","v",{}]],"events":[[1,1,0,"/"],[2,`, /not valid JSON.*loses that rotation bucket's events/],
  [`rollups/${B}.json`, '{"bucket":', /not valid JSON.*rebuilds it from events/],
])('refuses to start on a damaged %s (%s), naming the file and what to do', async (file, content, consequence) => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-json-'));
  mkdirSync(join(dir, 'events'));
  mkdirSync(join(dir, 'rollups'));
  writeFileSync(join(dir, file), content);
  const error = await JsonStore.open(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FootfallStorageError);
  expect((error as Error).message).toContain(`${join(dir, file)} is damaged`);
  expect((error as Error).message).toMatch(/Restore it from a backup, or move it away/);
  expect((error as Error).message).toMatch(consequence);
  // Moved away as told, the store opens: the refused start left no lock behind.
  renameSync(join(dir, file), join(dir, 'damaged.json.bak'));
  await (await JsonStore.open(dir)).close();
  rmSync(dir, { recursive: true, force: true });
});
