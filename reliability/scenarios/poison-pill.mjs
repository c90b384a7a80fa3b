// Poison pill: attackers send beacons whose kind or type is a name every plain object answers
// (__proto__, constructor, ...), beside legitimate clients. The legitimate beacons must all be
// accepted and stored, the attack refused, and the server's log must not flood.
import { acknowledged, agent, pageview, runLoops, sendBeacon, tally } from '../lib/http.mjs';
import { checkAcknowledged, readStore } from '../lib/store.mjs';
import { withServer } from '../lib/server.mjs';

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];

export function attackBody(i) {
  const key = PROTOTYPE_KEYS[i % PROTOTYPE_KEYS.length];
  return i % 2 === 0 ? { k: key, u: 'https://site.test/', s: `evil${i}` } : { type: key, url: 'https://site.test/' };
}

export async function poisonPill({ legit = 2000, legitConnections = 4, attackConnections = 2, maxMs = 60_000, log = () => {} } = {}) {
  return withServer('poison', {}, async (server, dataDir) => {
    const linesAtStart = server.lines.length;
    const attack = tally();
    const legitStatuses = tally();
    const acked = [];
    let sent = 0;
    let legitDone = false;
    let attackSent = 0;
    const attackAgent = agent(attackConnections);
    const legitAgent = agent(legitConnections);
    const attackers = runLoops(attackConnections, { maxPerLoop: 1_000_000, maxMs, stop: () => legitDone }, async () => {
      const n = attackSent++;
      try {
        attack.add((await sendBeacon(server.url, attackBody(n), { agent: attackAgent })).status);
      } catch {
        attack.add('no answer');
      }
    });
    await runLoops(legitConnections, { maxPerLoop: legit, maxMs, stop: () => sent >= legit }, async () => {
      const id = `legit${sent++}`;
      try {
        const res = await sendBeacon(server.url, pageview(id), { agent: legitAgent });
        legitStatuses.add(res.status);
        if (acknowledged(res)) acked.push(id);
      } catch {
        legitStatuses.add('no answer');
      }
    });
    legitDone = true;
    await attackers;
    attackAgent.destroy();
    legitAgent.destroy();
    const logLines = server.lines.slice(linesAtStart);
    await server.stop();
    const store = readStore(dataDir);
    const out = {
      legit_sent: sent,
      legit_statuses: legitStatuses.counts,
      ...checkAcknowledged(store, acked),
      attack_sent: attackSent,
      attack_statuses: attack.counts,
      attack_stored: store.events - acked.length,
      log_lines: logLines.length,
      log_sample: logLines.slice(0, 3),
      integrity: store.integrity,
    };
    log(`poison pill: ${JSON.stringify(out)}`);
    return out;
  });
}

export function poisonPillRow(r) {
  const attackNon400 = Object.entries(r.attack_statuses)
    .filter(([k]) => k !== '400')
    .reduce((n, [, v]) => n + v, 0);
  const ok = r.acknowledged === r.legit_sent && r.lost === 0 && attackNon400 === 0 && r.attack_stored === 0 && r.integrity === 'ok';
  return {
    name: 'poison pill (2 attacking connections)',
    measured:
      `legitimate: ${r.acknowledged} / ${r.legit_sent} accepted, ${r.stored} stored; attack: ${Object.entries(r.attack_statuses)
        .map(([k, v]) => `${v}x${k}`)
        .join(' ')}, ` + `${r.attack_stored} stored; ${r.log_lines} server log line(s) during the run`,
    ok,
  };
}
