// Disk full: the server's data directory is a 4 MiB tmpfs, filled to the last byte while
// beacons arrive, then emptied. Needs root (mount); elsewhere it says so and does not run.
import { acknowledged, agent, pageview, runLoops, sendBeacon, tally } from '../lib/http.mjs';
import { checkAcknowledged, readStore } from '../lib/store.mjs';
import { startServer } from '../lib/server.mjs';

export async function diskFull({ storage = 'sqlite', before = 20, whileFull = 100, after = 100, connections = 4, log = () => {} } = {}) {
  if (process.getuid?.() !== 0) return { skipped: 'mounting a tmpfs needs root (run the suite as root to include it)' };
  // The runtime's own test helper (a .ts file Node 24 loads as it is): one way to fill a disk.
  const { mountTmpfs } = await import('../../test/support/tmpfs.ts');
  const fs = mountTmpfs(4096);
  if (typeof fs === 'string') return { skipped: fs };
  const env = { FOOTFALL_STORAGE: storage };
  let server;
  try {
    server = await startServer(fs.dir, env);
    const acked = [];
    const phase = async (prefix, n) => {
      const statuses = tally();
      let retryAfterMissing = 0;
      let unanswered = 0;
      const a = agent(connections);
      let next = 0;
      await runLoops(connections, { maxPerLoop: n, maxMs: 60_000, stop: () => next >= n }, async () => {
        const id = `${prefix}${next++}`;
        try {
          const res = await sendBeacon(server.url, pageview(id), { agent: a });
          statuses.add(res.status);
          if (acknowledged(res)) acked.push(id);
          if (res.status === 503 && !res.headers['retry-after']) retryAfterMissing++;
        } catch {
          unanswered++;
        }
      });
      a.destroy();
      return { statuses: statuses.counts, retry_after_missing: retryAfterMissing, unanswered };
    };
    const out = { storage };
    out.before = await phase('before', before);
    fs.fill();
    out.while_full = await phase('full', whileFull);
    // SQLite says "the disk is full (SQLITE_FULL)", the JSON engine "disk full (ENOSPC)".
    const logged = server.lines.filter((l) => /disk (is )?full/.test(l)).length;
    fs.free();
    out.after = await phase('after', after);
    out.log_lines_disk_full = logged;
    out.log_lines = server.lines.length;
    out.clean_stop = (await server.stop()).code === 0;

    // Started again on the same directory, with space: it must start and take beacons.
    server = await startServer(fs.dir, env);
    const res = await sendBeacon(server.url, pageview('restarted'));
    if (acknowledged(res)) acked.push('restarted');
    out.restart_accepts = acknowledged(res);
    await server.stop();

    // Started on a full disk: whether it comes up at all, and what a beacon gets.
    fs.fill();
    try {
      server = await startServer(fs.dir, env);
      const r = await sendBeacon(server.url, pageview('full-start')).catch(() => ({ status: 'no answer', headers: {} }));
      if (acknowledged(r)) acked.push('full-start');
      out.start_on_full_disk = `started, beacon ${r.status}`;
      await server.stop();
    } catch (error) {
      // Its own last words say why (the message of the error that stopped it).
      out.start_on_full_disk = `did not start: ${error.message
        .split('\n')
        .filter((l) => l.trim())
        .at(-1)
        .replace('reliability server: Footfall did not start: ', '')}`;
    }
    fs.free();

    const store = readStore(fs.dir, storage);
    out.integrity = store.integrity;
    Object.assign(out, checkAcknowledged(store, acked));
    log(`disk full: ${JSON.stringify(out)}`);
    return out;
  } finally {
    await server?.stop();
    fs.unmount();
  }
}

export function diskFullRow(r) {
  const name = `disk full (4 MiB tmpfs${r.storage === 'json' ? ', JSON engine' : ''})`;
  if (r.skipped) return { name, measured: `not run: ${r.skipped}`, ok: true };
  const s = (x) =>
    Object.entries(x.statuses)
      .map(([k, v]) => `${v}x${k}`)
      .join(' ');
  const ok =
    r.lost === 0 &&
    r.duplicated === 0 &&
    r.integrity === 'ok' &&
    r.restart_accepts &&
    r.while_full.retry_after_missing === 0 &&
    !('500' in r.while_full.statuses) &&
    r.log_lines_disk_full > 0;
  return {
    name,
    measured:
      `while full: ${s(r.while_full)} (Retry-After missing on ${r.while_full.retry_after_missing}); after freeing: ${s(r.after)}; ` +
      `${r.acknowledged} acknowledged, ${r.stored} stored once, ${r.lost} lost, ${r.duplicated} twice; integrity ${r.integrity}; ` +
      `${r.log_lines_disk_full} log line(s) naming the full disk; restart ok: ${r.restart_accepts}; start on a full disk: ${r.start_on_full_disk}`,
    ok,
  };
}
