import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { JsonStore, MAX_EVENTS_PER_BUCKET } from './json-store.ts';

it('refuses a data dir another live process holds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-json-'));
  // PID 1 is always alive and never this test process.
  writeFileSync(join(dir, 'footfall.json.lock'), '1');
  await expect(JsonStore.open(dir)).rejects.toThrow(/in use by process 1.*FOOTFALL_STORAGE=sqlite/);
  rmSync(dir, { recursive: true, force: true });
});

it('keeps one file per rotation bucket and enforces its stated size limit with a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-json-'));
  const store = await JsonStore.open(dir);
  const e = (ts: number, bucket: number) => ({ ts, kind: 'pageview' as const, bucket, visitor: 'd'.repeat(32), session: `s${bucket}`, path: '/' });
  await store.append([e(1, 100), e(2, 200)]);
  expect(JSON.parse(readFileSync(join(dir, 'events', '100.json'), 'utf8')).events).toHaveLength(1);
  expect(JSON.parse(readFileSync(join(dir, 'events', '200.json'), 'utf8')).events).toHaveLength(1);
  const flood = Array.from({ length: MAX_EVENTS_PER_BUCKET }, (_, i) => e(3 + i, 200));
  await expect(store.append(flood)).rejects.toThrow(/at most 200000 events per rotation bucket.*FOOTFALL_STORAGE=sqlite/);
  // The refused batch left nothing behind.
  expect(await store.totals({ from: 0, to: Number.MAX_SAFE_INTEGER, filters: [] })).toMatchObject({ pageviews: 2 });
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
