// kill -9 under load: clients send pageviews with unique ids and record every acknowledgement;
// the server is SIGKILLed mid-load (once a random number of 202s is reached), restarted on the
// same data directory, and every acknowledged event must be in its files (SQLite or JSON engine),
// once, which must pass their integrity check.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acknowledged, agent, pageview, random, runLoops, sendBeacon } from '../lib/http.mjs';
import { checkAcknowledged, readStore } from '../lib/store.mjs';
import { startServer } from '../lib/server.mjs';

/**
 * rounds: kill/restart cycles; connections: concurrent clients; killAfter: [min, max] 202s
 * before the kill (drawn per round); maxMs: a round's load stops by then even without a kill.
 */
export async function killNine({ storage = 'sqlite', rounds = 3, connections = 16, killAfter = [500, 3000], maxMs = 20_000, seed = Date.now(), log = () => {} } = {}) {
  const rng = random(seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'footfall-reliability-kill-'));
  /** @type {{ storage: string, seed: number, rounds: Record<string, any>[], accepts_after_restart?: boolean, integrity_final?: string, acknowledged?: number, stored?: number, lost?: number, duplicated?: number, stored_unacknowledged?: number }} */
  const out = { storage, rounds: [], seed };
  const env = { FOOTFALL_STORAGE: storage };
  let server;
  try {
    server = await startServer(dataDir, env);
    for (let round = 0; round < rounds; round++) {
      const threshold = killAfter[0] + rng.int(killAfter[1] - killAfter[0] + 1);
      const acked = [];
      let sent = 0;
      let unanswered = 0;
      let otherAnswers = 0;
      let killing;
      const a = agent(connections);
      await runLoops(connections, { maxPerLoop: 1_000_000, maxMs }, async (loop, i) => {
        const id = `k${round}c${loop}n${i}`;
        sent++;
        try {
          const res = await sendBeacon(server.url, pageview(id), { agent: a });
          // A 202 read after the kill was still written by the server before it died: it counts.
          if (acknowledged(res)) acked.push(id);
          else otherAnswers++;
        } catch {
          unanswered++;
          return false; // the server is gone: this client stops
        }
        if (!killing && acked.length >= threshold) killing = server.kill();
        return true;
      });
      a.destroy();
      // Bounded by maxMs: if the threshold was not reached in time, kill now.
      const exit = await (killing ?? server.kill());
      const killedMidLoad = killing !== undefined;
      server = await startServer(dataDir, env);
      const store = readStore(dataDir, storage);
      const check = checkAcknowledged(store, acked);
      const figures = { sent, ...check, unanswered, other_answers: otherAnswers, killed_mid_load: killedMidLoad, signal: exit.signal, integrity: store.integrity, restarted: true };
      out.rounds.push(figures);
      log(
        `kill -9 (${storage}) round ${round + 1}: ${check.acknowledged} acknowledged, ${check.stored} stored, ${check.lost} lost, ${unanswered} unanswered, integrity ${store.integrity}`,
      );
    }
    // The restarted server still takes beacons and the file is still sound after all rounds.
    const after = await sendBeacon(server.url, pageview('after-kills'));
    out.accepts_after_restart = acknowledged(after);
    await server.stop();
    const store = readStore(dataDir, storage);
    out.integrity_final = store.integrity;
    out.acknowledged = out.rounds.reduce((n, r) => n + r.acknowledged, 0);
    out.stored = out.rounds.reduce((n, r) => n + r.stored, 0);
    out.lost = out.rounds.reduce((n, r) => n + r.lost, 0);
    out.duplicated = out.rounds.reduce((n, r) => n + r.duplicated, 0);
    // Committed but the answer never left (in flight at the kill): stored, not acknowledged. Fine.
    out.stored_unacknowledged = store.events - out.stored - (out.accepts_after_restart ? 1 : 0);
    return out;
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function killNineRow(r) {
  const ok = r.lost === 0 && r.duplicated === 0 && r.integrity_final === 'ok' && r.rounds.every((x) => x.integrity === 'ok') && r.accepts_after_restart;
  return {
    name: `kill -9 under load, ${r.storage === 'json' ? 'JSON engine, ' : ''}${r.rounds.length} rounds`,
    measured: `${r.rounds.every((x) => x.killed_mid_load) ? '' : `(only ${r.rounds.filter((x) => x.killed_mid_load).length} kill(s) came mid-load) `}${r.acknowledged} acknowledged, ${r.stored} stored, ${r.lost} lost, ${r.duplicated} twice; integrity ${r.integrity_final}; restarts ok; ${r.stored_unacknowledged} stored but unanswered at the kill`,
    ok,
  };
}
