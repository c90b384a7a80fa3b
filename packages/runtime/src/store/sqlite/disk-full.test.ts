import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, pageview } from '../../../../../test/support/kit.ts';
import { mountTmpfs, tmpfsUnavailable, type Tmpfs } from '../../../../../test/support/tmpfs.ts';
import { SQLITE_FILE, SqliteStore } from './sqlite-store.ts';

// A real full disk: a 4 MiB tmpfs filled to the last byte while beacons arrive.
describe.skipIf(tmpfsUnavailable)(`SQLite on a full disk${tmpfsUnavailable ? ` (not run: ${tmpfsUnavailable})` : ''}`, () => {
  let fs: Tmpfs;
  beforeAll(() => {
    fs = mountTmpfs(4096) as Tmpfs;
  });
  afterAll(() => fs?.unmount());

  it('answers 503 with Retry-After while full, names the cause, and files every later event under its own page and visit', async () => {
    const lines: string[] = [];
    const h = await harness({ publicDashboard: true, dataDir: fs.dir }, { log: (m) => lines.push(m) });
    // Warm every cache of the writer: strings, visits, seqs.
    for (let i = 0; i < 5; i++) expect((await h.send(pageview(`https://site.test/before${i}`, { s: `before${i}` }))).status).toBe(202);

    fs.fill();
    const whileFull = await Promise.all(Array.from({ length: 30 }, (_, i) => h.send(pageview(`https://site.test/lost${i}`, { s: `lost${i}` }))));
    for (const res of whileFull) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeTruthy();
    }
    // The first beacon of a new rotation bucket needs a new salt, which cannot be written either.
    h.clock.now += 24 * 3_600_000;
    const newBucket = await h.send(pageview('https://site.test/lost-new-bucket', { s: 'lost-nb' }));
    expect(newBucket.status).toBe(503);
    expect(lines.join('\n')).toMatch(/disk is full \(SQLITE_FULL\)/);
    expect(lines.join('\n')).not.toMatch(/cannot rollback|no transaction is active/);

    fs.free();
    for (let i = 0; i < 10; i++) expect((await h.send(pageview(`https://site.test/after${i}`, { s: `after${i}` }))).status).toBe(202);
    await h.ff.close();

    const db = new DatabaseSync(`${fs.dir}/${SQLITE_FILE}`, { readOnly: true });
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    const stored = db
      .prepare(`SELECT v.session AS session, s.text AS path FROM events e
      JOIN visits v ON v.id = e.visit JOIN strings s ON s.id = e.path ORDER BY e.ts, v.session`)
      .all() as { session: string; path: string }[];
    db.close();
    const expected = [...Array.from({ length: 5 }, (_, i) => `before${i}`), ...Array.from({ length: 10 }, (_, i) => `after${i}`)];
    // Each acknowledged event, exactly once, under its own visit and page; none that got a 503.
    expect(stored.map((r) => `${r.session} ${r.path}`).sort()).toEqual(expected.map((s) => `${s} /${s}`).sort());
  });

  it('refuses to start on a full disk, saying that the disk is full', async () => {
    fs.fill();
    try {
      await expect(SqliteStore.open(`${fs.dir}/start-full`)).rejects.toThrow(/disk is (probably )?full/);
    } finally {
      fs.free();
    }
  });

  it('closes cleanly while the disk is full', async () => {
    const h = await harness({ dataDir: `${fs.dir}/close` });
    expect((await h.send(pageview())).status).toBe(202);
    fs.fill();
    await expect(h.ff.close()).resolves.toBeUndefined();
    fs.free();
  });
});
