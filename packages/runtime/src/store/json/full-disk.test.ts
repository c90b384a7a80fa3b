import * as fsp from 'node:fs/promises';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FootfallStorageError } from '../../errors.ts';
import type { DurableFs } from './durable-file.ts';
import { JsonStore } from './json-store.ts';
import type { StoredEvent } from '../../model/events.ts';

/**
 * node:fs/promises, except that while `full` is set every write fails as on a full disk: part of
 * the data lands, then ENOSPC. `hold()` parks the next write until `release()`, so a test can act
 * while a commit is in flight without sleeping.
 */
function diskThatFills() {
  let gate: { reached: PromiseWithResolvers<void>; open: PromiseWithResolvers<void> } | undefined;
  const disk = {
    full: false,
    hold() {
      gate = { reached: Promise.withResolvers(), open: Promise.withResolvers() };
      return gate.reached.promise;
    },
    release() {
      const g = gate;
      gate = undefined;
      g?.open.resolve();
    },
  };
  const fs: DurableFs = {
    readFile: (path, encoding) => fsp.readFile(path, encoding),
    rename: (from, to) => fsp.rename(from, to),
    rm: (path, options) => fsp.rm(path, options),
    async open(path, flags) {
      const handle = await fsp.open(path, flags);
      return {
        async writeFile(data) {
          const g = gate;
          if (g) {
            g.reached.resolve();
            await g.open.promise;
          }
          if (!disk.full) return handle.writeFile(data);
          await handle.writeFile(data.slice(0, data.length >> 1));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    },
  };
  return { fs, disk };
}

const B = Date.UTC(2026, 2, 10);
const T0 = B + 3_600_000;
const ALL = { from: 0, to: Number.MAX_SAFE_INTEGER, filters: [] };
const pageview = (ts: number, session: string, source?: string): StoredEvent => ({
  ts,
  kind: 'pageview',
  bucket: B,
  visitor: session.padEnd(32, '0'),
  session,
  path: '/',
  ...(source ? { source } : {}),
});
const DISK_FULL = /^@footfall\/runtime: disk full \(ENOSPC\) writing /;

let dir: string;
let store: JsonStore | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'footfall-json-full-'));
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

it('makes a new salt durable before handing it out, and keeps none a failed write could not store', async () => {
  const { fs, disk } = diskThatFills();
  store = await JsonStore.open(dir, { fs });
  disk.full = true;
  const held = disk.hold();
  const first = store.salt(B);
  await held;
  // Asked while the first write is in flight: it must not get a salt that is not on disk yet.
  const second = store.salt(B);
  disk.release();
  for (const attempt of [first, second]) {
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FootfallStorageError);
    expect((error as Error).message).toMatch(DISK_FULL);
    expect((error as Error).message).toContain(join(dir, 'footfall.json'));
  }
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  disk.full = false;
  const salt = Buffer.from(await store.salt(B));
  await store.close();
  store = await JsonStore.open(dir);
  expect(Buffer.from(await store.salt(B)).equals(salt)).toBe(true);
});

it('on a full disk refuses a commit naming the file, keeps nothing of it, and takes later events once space returns', async () => {
  const { fs, disk } = diskThatFills();
  store = await JsonStore.open(dir, { fs });
  await store.append([pageview(T0, 'kept', 'Kept')]);
  disk.full = true;
  const error = await store.append([pageview(T0 + 1, 'lost', 'Lost'), pageview(T0 + 2, 'kept')]).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FootfallStorageError);
  expect((error as Error).message).toMatch(DISK_FULL);
  expect((error as Error).message).toContain(join(dir, 'events', `${B}.json`));
  // The half-written temp file would hold the space the next commit needs.
  expect(readdirSync(join(dir, 'events'))).toEqual([`${B}.json`]);
  expect(await store.totals(ALL)).toMatchObject({ visits: 1, pageviews: 1 });
  disk.full = false;
  await store.append([pageview(T0 + 3, 'later', 'Later')]);
  await store.close();
  store = await JsonStore.open(dir);
  expect(await store.totals(ALL)).toMatchObject({ visits: 2, pageviews: 2 });
  // Each stored event is under its own visit: nothing of the refused batch took a key or an attribute.
  expect((await store.breakdown(ALL, 'source', 10)).map((r) => [r.value, r.pageviews])).toEqual([
    ['Kept', 1],
    ['Later', 1],
  ]);
});

it('on a full disk, close() lets the failing commit finish, releases the lock and refuses later changes', async () => {
  const { fs, disk } = diskThatFills();
  const closing = (store = await JsonStore.open(dir, { fs }));
  disk.full = true;
  const held = disk.hold();
  const order: string[] = [];
  const append = closing.append([pageview(T0, 's')]).catch((e: unknown) => {
    order.push('commit failed');
    throw e;
  });
  await held;
  const closed = closing.close().then(() => order.push('closed'));
  disk.release();
  await expect(append).rejects.toThrow(DISK_FULL);
  await closed;
  expect(order).toEqual(['commit failed', 'closed']);
  expect(existsSync(join(dir, 'footfall.json.lock'))).toBe(false);
  await expect(closing.append([pageview(T0, 's')])).rejects.toThrow(FootfallStorageError);
  await expect(closing.salt(B)).rejects.toThrow(/JSON store in .* is closed/);
  await closing.close();
});
