import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../../model/events.ts';
import { openConnection } from './connection.ts';
import { migrate } from './schema.ts';
import { WriterThread, type WorkerRequest } from './writer-thread.ts';

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

describe('the handoff to the append worker', () => {
  const visitor = 'ab'.repeat(16);
  const event = (session: string, path: string, extra: Partial<StoredEvent> = {}): StoredEvent => ({
    ts: 1000,
    kind: 'pageview',
    bucket: 0,
    visitor,
    session,
    path,
    hostname: 'example.com',
    source: 'Google',
    browser: 'Chrome',
    ...extra,
  });
  let dir: string;
  let thread: WriterThread;
  let sent: WorkerRequest[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'footfall-handoff-'));
    const db = openConnection(join(dir, 'footfall.db'));
    migrate(db);
    db.close();
    thread = new WriterThread(join(dir, 'footfall.db'), 'handoff');
    sent = [];
    const post = Worker.prototype.postMessage;
    vi.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (this: Worker, message: WorkerRequest) {
      sent.push(structuredClone(message));
      post.call(this, message);
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await thread.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const appended = (message: WorkerRequest | undefined) => (message?.type === 'append' ? message.events : []);

  it("sends a placed visit's later events as its row id and the event's own fields", async () => {
    const first = await thread.append([event('s1', '/a')]);
    expect(appended(sent[0])[0]).toHaveProperty('visitor', visitor);
    const second = await thread.append([event('s1', '/b', { name: 'Signup', props: { plan: 'pro' }, kind: 'event', browser: 'Firefox' }), event('s2', '/c')]);
    expect(appended(sent[1])).toEqual([{ visit: first.visits[0], ts: 1000, kind: 'event', path: '/b', name: 'Signup', props: { plan: 'pro' } }, event('s2', '/c')]);
    expect(second.visits[0]).toBe(first.visits[0]);
    expect(second.visits[1]).not.toBe(first.visits[0]);

    const db = openConnection(join(dir, 'footfall.db'));
    const rows = db.prepare('SELECT e.visit, e.name, e.props, v.session FROM events e JOIN visits v ON v.id = e.visit ORDER BY e.visit, e.seq').all();
    db.close();
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { visit: first.visits[0], name: null, props: null, session: 's1' },
      { visit: first.visits[0], name: 'Signup', props: '{"plan":"pro"}', session: 's1' },
      { visit: second.visits[1], name: null, props: null, session: 's2' },
    ]);
  });

  it('forgets every placed visit when a batch fails, as the worker does after its rollback', async () => {
    await thread.append([event('s1', '/a')]);
    await expect(thread.append([event('s1', '/b', { kind: 'constructor' as never })])).rejects.toThrow(/unknown event kind/);
    await thread.append([event('s1', '/c')]);
    expect(appended(sent[2])[0]).toHaveProperty('visitor', visitor);
  });
});
