import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('stores events in a server started with Node flags that worker threads do not take', () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-flags-'));
  // The built package, as a server runs it (npm test builds before it tests).
  const runtime = new URL('../../../dist/index.js', import.meta.url).pathname;
  const script = join(dir, 'server.mjs');
  writeFileSync(
    script,
    `
    import { openStore } from ${JSON.stringify(runtime)};
    const store = await openStore({ storage: 'sqlite', dataDir: ${JSON.stringify(join(dir, 'data'))} });
    await store.append([{ ts: 1, kind: 'pageview', bucket: 0, visitor: '${'f'.repeat(32)}', session: 's', path: '/' }]);
    console.log('written', (await store.totals({ from: 0, to: 10, filters: [] })).pageviews);
    await store.close();
  `,
  );
  const flags = ['--max-old-space-size=256', '--max-semi-space-size=16', '--title=footfall-test', '--expose-gc'];
  const run = spawnSync(process.execPath, [...flags, script], { encoding: 'utf8', timeout: 30_000 });
  expect(run.stderr).not.toMatch(/ERR_WORKER_INVALID_EXEC_ARGV/);
  expect(run.stdout.trim()).toBe('written 1');
  expect(run.status).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});
