// Node flags: production servers are often started with flags of their own
// (`node --max-old-space-size=4096 server.mjs`). Footfall must start under each, store a beacon
// and answer the API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acknowledged, bearer, pageview, request, sendBeacon } from '../lib/http.mjs';
import { PASSWORD, startServer } from '../lib/server.mjs';

export const FLAGS = ['--max-old-space-size=512', '--max-semi-space-size=16', '--enable-source-maps', '--title=footfall-site', '--abort-on-uncaught-exception', '--expose-gc'];

export async function nodeFlags({ flags = FLAGS, storage = 'sqlite', log = () => {} } = {}) {
  const out = { storage, flags: {} };
  for (const flag of flags) {
    const dataDir = mkdtempSync(join(tmpdir(), 'footfall-reliability-flags-'));
    try {
      const server = await startServer(dataDir, { FOOTFALL_STORAGE: storage }, { execArgv: [flag] });
      try {
        const beacon = await sendBeacon(server.url, pageview('flagged'));
        const api = await request(server.url, '/_analytics/api/summary?period=today', { headers: bearer(PASSWORD) });
        out.flags[flag] = acknowledged(beacon) && api.status === 200 ? 'ok' : `beacon ${beacon.status}, API ${api.status}`;
      } finally {
        await server.stop();
      }
    } catch (error) {
      out.flags[flag] = `did not start: ${error.message
        .split('\n')
        .filter((l) => l.trim())
        .at(-1)}`;
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  log(`node flags: ${JSON.stringify(out)}`);
  return out;
}

export function nodeFlagsRow(r) {
  const failing = Object.entries(r.flags).filter(([, v]) => v !== 'ok');
  // One reason per kind of failure: the flag itself is named in the list before it.
  const reasons = [...new Set(failing.map(([flag, v]) => v.replace(/^did not start: (reliability server: Footfall did not start: )?/, '').replace(flag, '<flag>')))];
  return {
    name: `start under node flags (${Object.keys(r.flags).length})`,
    measured:
      failing.length === 0
        ? `starts, stores and answers under ${Object.keys(r.flags).join(' ')}`
        : `${Object.keys(r.flags).length - failing.length} ok; does not start under ${failing.map(([f]) => f).join(' ')}: ${reasons.join('; ')}`,
    ok: failing.length === 0,
  };
}
