import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { JsonStore } from './store/json/json-store.ts';
import { SqliteStore } from './store/sqlite/sqlite-store.ts';

// The `footfall` command as npm installs it: the built file (npm test builds first).
const CLI = new URL('../dist/cli.js', import.meta.url).pathname;
const run = promisify(execFile);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function footfall(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, FOOTFALL_DATA_DIR: '' } });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

it('migrates a JSON data directory into SQLite, then skips what it already copied', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-cli-'));
  dirs.push(dir);
  const json = await JsonStore.open(dir);
  const now = Date.now();
  await json.salt(0);
  await json.append([{ ts: now - 60_000, kind: 'pageview', bucket: 0, visitor: 'a'.repeat(32), session: 's', path: '/' }]);
  await json.close();

  const first = await footfall('migrate', '--to', 'sqlite', '--data-dir', dir);
  expect(first.err).toBe('');
  expect(first).toMatchObject({ code: 0, out: expect.stringMatching(/copied 1 events \(1 day\(s\); 0 day\(s\) already there\).*from the json store.*FOOTFALL_STORAGE=sqlite/s) });
  // The first spelling of the command still works, and finds nothing left to copy.
  const again = await footfall('migrate-json', '--data-dir', dir);
  expect(again).toMatchObject({ code: 0, out: expect.stringMatching(/copied 0 events \(0 day\(s\); 1 day\(s\) already there\)/) });
  const sqlite = new SqliteStore(dir);
  expect(await sqlite.totals({ from: 0, to: now, filters: [] })).toMatchObject({ visitors: 1, pageviews: 1 });
  await sqlite.close();
});

it('names the engines it can migrate to when --to is missing or wrong', async () => {
  expect(await footfall('migrate', '--to', 'json')).toMatchObject({ code: 2, err: expect.stringMatching(/migrate needs --to sqlite or clickhouse \(got json\)/) });
  expect(await footfall('migrate')).toMatchObject({ code: 2, err: expect.stringMatching(/migrate needs --to sqlite or clickhouse\n/) });
});

it('says what it found missing in the data directory, with exit code 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-cli-'));
  dirs.push(dir);
  expect(await footfall('migrate', '--to', 'clickhouse', '--data-dir', dir)).toMatchObject({ code: 1, err: expect.stringMatching(/FOOTFALL_CLICKHOUSE_URL/) });
  expect(await footfall('migrate', '--to', 'sqlite', '--data-dir', dir)).toMatchObject({ code: 1, err: expect.stringMatching(/no data to migrate in .*footfall\.json/) });
});
