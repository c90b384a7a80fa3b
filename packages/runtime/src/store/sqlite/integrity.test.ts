import { mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createFootfall } from '../../footfall.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { StoredEvent } from '../../model/events.ts';

const event = (i: number): StoredEvent => ({ ts: 1_000 + i, kind: 'pageview', bucket: 0, visitor: 'a'.repeat(32), session: `s${i}`, path: `/page/${i}` });

it('refuses to start on a database with garbled pages, naming the file and what to do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const store = await SqliteStore.open(dir);
  await store.append(Array.from({ length: 3000 }, (_, i) => event(i)));
  await store.close();

  // Garble pages in the middle of the file, where appends at the end never look.
  const size = statSync(store.file).size;
  const fd = openSync(store.file, 'r+');
  writeSync(fd, Buffer.alloc(3 * 4096, 0x5a), 0, 3 * 4096, Math.floor(size / 4096 / 2) * 4096);
  closeSync(fd);

  await expect(SqliteStore.open(dir)).rejects.toThrow(/footfall\.db is damaged .*restore it from a backup/);
  await expect(createFootfall({ dataDir: dir }, { env: {}, timers: false, log: () => {} })).rejects.toThrow(store.file);
  rmSync(dir, { recursive: true, force: true });
});

it('starts on a healthy database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const first = await SqliteStore.open(dir);
  await first.append([event(1)]);
  await first.close();
  const again = await SqliteStore.open(dir);
  expect(await again.totals({ from: 0, to: 10_000, filters: [] })).toMatchObject({ pageviews: 1 });
  await again.close();
  rmSync(dir, { recursive: true, force: true });
});

it('commits the other events of a batch when one cannot be stored, on the real engine', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const store = await SqliteStore.open(dir);
  const { BatchWriter, EventRejectedError } = await import('../writer.ts');
  const writer = new BatchWriter(store);
  // A kind no validation should ever let through: the engine refuses it, not the whole batch.
  const bad = { ...event(99), kind: 'constructor' } as unknown as StoredEvent;
  const results = await Promise.allSettled([...Array.from({ length: 40 }, (_, i) => writer.write(event(i))), writer.write(bad)]);
  expect(results.slice(0, 40).every((r) => r.status === 'fulfilled')).toBe(true);
  expect((results[40] as PromiseRejectedResult).reason).toBeInstanceOf(EventRejectedError);
  expect(await store.totals({ from: 0, to: 10_000, filters: [] })).toMatchObject({ pageviews: 40, visits: 40 });
  await writer.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
