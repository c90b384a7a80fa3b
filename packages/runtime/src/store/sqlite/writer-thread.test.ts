import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

/**
 * A script whose only pending work is a write must live until the write is acknowledged (the
 * worker is referenced while busy), and must still exit when idle with the store left open.
 */
it('keeps the process alive for a pending write, and not for an idle store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-worker-'));
  // The built package: a child process runs what ships (npm test builds before it tests).
  const engine = new URL('../../../dist/store/load-sqlite.js', import.meta.url).pathname;
  const script = `
    import { loadSqliteEngine } from ${JSON.stringify(engine)};
    const { SqliteStore } = await loadSqliteEngine();
    const store = new SqliteStore(${JSON.stringify(dir)});
    await store.append([{ ts: 1, kind: 'pageview', bucket: 0, visitor: '${'f'.repeat(32)}', session: 's', path: '/' }]);
    console.log('written', (await store.totals({ from: 0, to: 10, filters: [] })).pageviews);
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  expect(run.stderr).not.toMatch(/unsettled top-level await/);
  expect(run.stderr).toBe('');
  expect(run.stdout.trim()).toBe('written 1');
  // Exited by itself (no close()): an idle worker did not hold it.
  expect(run.status).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});
