import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BatchWriter } from '../writer.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { StoredEvent } from '../../model/events.ts';

const T0 = Date.UTC(2026, 2, 10, 12);
const event = (i: number): StoredEvent => ({
  ts: T0 + i,
  kind: 'pageview',
  bucket: Date.UTC(2026, 2, 10),
  visitor: (i % 997).toString(16).padStart(32, '0'),
  session: `s${i}`,
  path: `/p${i % 50}`,
  country: 'GB',
  browser: 'Chrome',
});

it('answers every read while the append worker commits new visits between its statements', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const store = await SqliteStore.open(dir);
  const writer = new BatchWriter(store);
  for (let i = 0; i < 20_000; i += 5000) await store.append(Array.from({ length: 5000 }, (_, j) => event(i + j)));
  const query = { from: T0, to: T0 + 86_400_000, filters: [] };
  expect(await store.totals(query)).toMatchObject({ pageviews: 20_000 });

  // Every batch adds new visits; each read resyncs the in-memory tail from disk because the
  // worker's connection wrote. Both run at once on two threads.
  let next = 20_000;
  let writing = true;
  const writes = (async () => {
    while (writing) await Promise.all(Array.from({ length: 50 }, () => writer.write(event(next++))));
  })();
  let last = 0;
  for (let i = 0; i < 150; i++) {
    // Let the writer hand its next batch to the worker, which then commits during this read.
    await new Promise((r) => setImmediate(r));
    const totals = await store.totals(query);
    expect(totals.pageviews).toBeGreaterThanOrEqual(last);
    last = totals.pageviews;
  }
  writing = false;
  await writes;
  expect(await store.totals(query)).toMatchObject({ pageviews: next, visits: next });
  await writer.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
