// Short versions of `npm run reliability` (reliability/run.mjs), run by `npm test`: the same
// scenario code against the same real server process (reliability/server.mjs), fewer rounds.
// Disk-full and poison-pill short tests live beside the code they test
// (packages/runtime/src/store/sqlite/disk-full.test.ts, src/collect/hostile-input.test.ts).
import { describe, expect, it } from 'vitest';
import { apiFuzz } from '../reliability/scenarios/api-fuzz.mjs';
import { collectorFuzz } from '../reliability/scenarios/collector-fuzz.mjs';
import { killNine } from '../reliability/scenarios/kill-nine.mjs';
import { nodeFlags } from '../reliability/scenarios/node-flags.mjs';

describe('reliability, short', () => {
  it.each(['sqlite', 'json'])('kill -9 mid-load on %s: every acknowledged beacon is stored once, the files are sound, the server restarts', async (storage) => {
    // The kill comes after 100-300 acknowledgements (an event, not a delay). JSON's restart must
    // also take over the lock file the killed process left behind.
    const r = await killNine({ storage, rounds: 1, connections: 8, killAfter: [100, 300], maxMs: 50_000 });
    const round = r.rounds[0]!;
    expect(round.killed_mid_load).toBe(true);
    expect(round.signal).toBe('SIGKILL');
    expect(r.acknowledged).toBeGreaterThanOrEqual(100);
    expect({ lost: r.lost, duplicated: r.duplicated, stored: r.stored }).toEqual({ lost: 0, duplicated: 0, stored: r.acknowledged });
    expect(round.integrity).toBe('ok');
    expect(r.integrity_final).toBe('ok');
    expect(r.accepts_after_restart).toBe(true);
  });

  it('API fuzz: a few hundred hostile dashboard and API URLs, signed in, get no 5xx', async () => {
    const r = await apiFuzz({ urls: 300, seedEvents: 100 });
    // The seed replays a failure: npm run reliability -- --only=apifuzz --seed=<seed>
    expect(r.five_xx_samples, `seed ${r.seed}`).toEqual([]);
    expect(r.five_xx).toBe(0);
    expect(r.alive_after).toBe(true);
    expect(r.statuses['200']).toBeGreaterThan(0);
  });

  it('collector fuzz: hundreds of hostile bodies get no 5xx, and every 202 is exactly one stored row', async () => {
    const r = await collectorFuzz({ bodies: 500 });
    expect(r.five_xx_samples, `seed ${r.seed}`).toEqual([]);
    expect(r.no_answer).toBe(0);
    expect(r.acknowledged).toBe(r.rows);
    expect(r.integrity).toBe('ok');
    expect(r.alive_after).toBe(true);
  });

  it('starts, stores and answers when Node runs with flags of its own (they once broke the SQLite worker threads)', async () => {
    const r = await nodeFlags({ flags: ['--max-old-space-size=512', '--title=footfall-site'] });
    expect(r.flags).toEqual({ '--max-old-space-size=512': 'ok', '--title=footfall-site': 'ok' });
  });
});
