import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { JsonStore } from './json-store.ts';

let dir: string;
let lock: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'footfall-json-lock-'));
  lock = join(dir, 'footfall.json.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bootId = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
/** Field 22 of /proc/<pid>/stat: the process's start time in ticks since boot. */
const startOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
};

/** A Node process that opens the store when told "go", reports, and holds it until told again. */
function contender() {
  const script = `
    const { JsonStore } = await import(${JSON.stringify(new URL('./json-store.ts', import.meta.url).href)});
    const next = () => new Promise((r) => process.stdin.once('data', r));
    console.log('ready');
    await next();
    try {
      const store = await JsonStore.open(${JSON.stringify(dir)});
      console.log('won');
      await next();
      await store.close();
    } catch (error) {
      console.log('lost ' + JSON.stringify(error.message));
    }
    process.stdin.destroy();
  `;
  const child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const line = async () => String((await lines.next()).value);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, line, exited, tell: () => child.stdin.write('\n') };
}

it('lets exactly one of several processes starting at once take the directory; the others name it, its lock and its PID', async () => {
  const all = [contender(), contender(), contender()];
  for (const c of all) expect(await c.line()).toBe('ready');
  for (const c of all) c.tell();
  const results = await Promise.all(all.map((c) => c.line()));
  const winners = all.filter((_, i) => results[i] === 'won');
  expect(winners).toHaveLength(1);
  const winner = winners[0]!;
  for (const result of results.filter((r) => r !== 'won')) {
    expect(result).toContain(`in use by process ${winner.child.pid} (lock file ${lock})`);
    expect(result).toContain('FOOTFALL_STORAGE=sqlite');
  }
  expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: winner.child.pid });
  winner.tell();
  await Promise.all(all.map((c) => c.exited));
  expect(existsSync(lock)).toBe(false);
}, 60_000);

it('refuses a bare-PID lock (older versions) of a process that was running when it was written', async () => {
  // PID 1 is always alive, never this test process, and started before this lock was written.
  writeFileSync(lock, '1');
  await expect(JsonStore.open(dir)).rejects.toThrow(`in use by process 1 (lock file ${lock})`);
});

it('takes over a lock whose process has exited', async () => {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  writeFileSync(lock, JSON.stringify({ pid, start: '1', boot: bootId(), host: 'h', token: 't' }));
  const store = await JsonStore.open(dir);
  expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid });
  await store.close();
});

it.each([
  ['a PID now used by a later process', () => JSON.stringify({ pid: 1, start: String(Number(startOf(1)) + 1), boot: bootId() })],
  ['a lock written before the machine rebooted', () => JSON.stringify({ pid: 1, start: startOf(1), boot: 'another-boot' })],
  ['a bare-PID lock older than the process that has its PID', () => '1'],
])('takes over %s', async (_, content) => {
  writeFileSync(lock, content());
  // Only matters to the bare-PID lock: written long before PID 1 started.
  utimesSync(lock, new Date('2000-01-01'), new Date('2000-01-01'));
  const store = await JsonStore.open(dir);
  await store.close();
  expect(existsSync(lock)).toBe(false);
});

it('removes only its own lock when a later store of the same process took the directory over', async () => {
  const first = await JsonStore.open(dir);
  const second = await JsonStore.open(dir);
  await first.close();
  expect(existsSync(lock)).toBe(true);
  await second.close();
  expect(existsSync(lock)).toBe(false);
});
