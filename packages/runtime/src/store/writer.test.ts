import { describe, expect, it } from 'vitest';
import { harness, pageview } from '../../../../test/support/kit.ts';
import { FootfallStorageError } from '../errors.ts';
import type { Store } from './types.ts';
import { BatchWriter, EventRejectedError, QueueFullError } from './writer.ts';
import type { StoredEvent } from '../model/events.ts';

/** A store whose commits the test releases by hand. */
function gatedStore() {
  const commits: { events: readonly StoredEvent[]; release: () => void; fail: (e: Error) => void }[] = [];
  let arrived: () => void = () => {};
  const store = {
    engine: 'sqlite',
    commitIntervalMs: 0,
    append: (events: readonly StoredEvent[]) =>
      new Promise<void>((release, fail) => {
        commits.push({ events, release, fail });
        arrived();
      }),
    close: async () => {},
  } as unknown as Store;
  const nextCommit = () => new Promise<void>((r) => (arrived = r));
  return { store, commits, nextCommit };
}

const event = (path: string): StoredEvent => ({ ts: 1, kind: 'pageview', bucket: 0, visitor: 'v', session: 's', path });

describe('group commit', () => {
  it('answers no request before the commit that holds its event, and batches what queued meanwhile', async () => {
    const { store, commits, nextCommit } = gatedStore();
    const writer = new BatchWriter(store);
    const done: string[] = [];
    const first = nextCommit();
    const a = writer.write(event('/a')).then(() => done.push('a'));
    await first;
    const second = nextCommit();
    const b = writer.write(event('/b')).then(() => done.push('b'));
    const c = writer.write(event('/c')).then(() => done.push('c'));
    expect(done).toEqual([]);
    commits[0]!.release();
    await a;
    expect(done).toEqual(['a']);
    await second;
    expect(commits[1]!.events.map((e) => e.path)).toEqual(['/b', '/c']);
    commits[1]!.release();
    await Promise.all([b, c]);
    expect(done).toEqual(['a', 'b', 'c']);
  });

  it('rejects every event of a failed commit', async () => {
    const { store, commits, nextCommit } = gatedStore();
    const writer = new BatchWriter(store);
    const arrived = nextCommit();
    const a = writer.write(event('/a'));
    await arrived;
    commits[0]!.fail(new FootfallStorageError('disk full'));
    await expect(a).rejects.toThrow('disk full');
  });

  it('commits the rest of a batch that one event makes fail, and refuses only that event', async () => {
    const committed: string[] = [];
    let attempts = 0;
    const store = {
      engine: 'sqlite',
      commitIntervalMs: 0,
      async append(events: readonly StoredEvent[]) {
        attempts++;
        // A failure that belongs to one event, as a constraint or a type error would be.
        if (events.some((e) => e.path === '/poison')) throw new TypeError('cannot store this one');
        committed.push(...events.map((e) => e.path));
      },
    } as unknown as Store;
    const writer = new BatchWriter(store);
    const paths = Array.from({ length: 64 }, (_, i) => (i === 37 ? '/poison' : `/${i}`));
    const results = await Promise.allSettled(paths.map((p) => writer.write(event(p))));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect((results[37] as PromiseRejectedResult).reason).toBeInstanceOf(EventRejectedError);
    expect(committed.sort()).toEqual(paths.filter((p) => p !== '/poison').sort());
    // Halving finds the culprit in a few commits, not one commit per event.
    expect(attempts).toBeLessThanOrEqual(2 * Math.log2(64) + 2);
  });

  it('fails a whole batch at once when the storage itself cannot persist', async () => {
    let attempts = 0;
    const store = {
      engine: 'sqlite',
      commitIntervalMs: 0,
      async append() {
        attempts++;
        throw new FootfallStorageError('disk full');
      },
    } as unknown as Store;
    const writer = new BatchWriter(store);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => writer.write(event(`/${i}`))));
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof FootfallStorageError)).toBe(true);
    expect(attempts).toBe(1);
  });

  it('refuses with QueueFullError instead of growing past its bound', async () => {
    const { store } = gatedStore();
    const writer = new BatchWriter(store, 3);
    const pending = [writer.write(event('/1')), writer.write(event('/2')), writer.write(event('/3'))];
    await expect(writer.write(event('/4'))).rejects.toBeInstanceOf(QueueFullError);
    expect(writer.queued).toBe(3);
    void pending;
  });
});

describe('collector on storage trouble', () => {
  it('answers 503 when the store cannot persist, and 202 again once it can', async () => {
    let broken = true;
    const h = await harness({ publicDashboard: true });
    const real = h.ff.store;
    const original = real.append.bind(real);
    real.append = async (events) => {
      if (broken) throw new FootfallStorageError('disk full');
      return original(events);
    };
    const res = await h.send(pageview());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(await h.api('summary?period=today')).toMatchObject({ pageviews: 0 });
    broken = false;
    expect((await h.send(pageview())).status).toBe(202);
    expect(await h.api('summary?period=today')).toMatchObject({ pageviews: 1 });
    await h.close();
  });
});
