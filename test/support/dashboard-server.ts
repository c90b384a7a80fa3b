import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_FUNNELS, DEMO_GOALS } from '../../packages/runtime/src/demo/demo-catalog.ts';
import { demoClock, sendDemoTraffic, type DemoClock, type DemoTrafficOptions } from '../../packages/runtime/src/demo/demo-traffic.ts';
import { createFootfall, type Footfall } from '../../packages/runtime/src/footfall.ts';
import { footfallMiddleware } from '../../packages/runtime/src/node.ts';
import type { FootfallOptions } from '../../packages/runtime/src/options.ts';
import { GEO_DB } from './kit.ts';

/** The demo's clock stops here: a Tuesday afternoon, so "today" has traffic and a realtime count. */
export const DEMO_END = Date.UTC(2026, 2, 10, 14, 30);
/** Smaller than `npm run demo`, same shape: 60 days, so 30 days compare with a full previous 30. */
export const TEST_TRAFFIC: DemoTrafficOptions = { days: 60, visitsPerDay: 25, seed: 7 };

export interface DashboardServer {
  readonly ff: Footfall;
  readonly clock: DemoClock;
  readonly origin: string;
  /** GET a dashboard API path (e.g. `summary?period=7d`), with the password when one is set. */
  api<T = Record<string, unknown>>(path: string): Promise<T>;
  /** Sends one tracker beacon through the collector at the clock's time. */
  send(body: Record<string, unknown>, ip?: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Footfall on a temp dir, filled with demo traffic through its own collector (the generator
 * `npm run demo` uses), served over node:http + footfallMiddleware on 127.0.0.1 and a free port.
 */
export async function startDashboardServer(options: FootfallOptions = {}, traffic: DemoTrafficOptions | false = TEST_TRAFFIC): Promise<DashboardServer> {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-dashboard-'));
  const clock = demoClock(DEMO_END);
  const ff = await createFootfall(
    { dataDir: dir, timezone: 'UTC', geoDb: [GEO_DB], goals: DEMO_GOALS, funnels: DEMO_FUNNELS, ...options },
    { env: {}, now: clock.now, timers: false, log: () => {} },
  );
  if (traffic) await sendDemoTraffic(ff, clock, traffic);
  const server: Server = createServer(footfallMiddleware(ff));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const auth: Record<string, string> = options.password ? { authorization: `Bearer ${options.password}` } : {};
  return {
    ff,
    clock,
    origin,
    async api(path) {
      const res = await fetch(`${origin}${ff.options.dashboardBase}/api/${path}`, { headers: auth });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as never;
    },
    async send(body, ip = '81.2.69.150') {
      const res = await ff.fetch(
        new Request(`https://example.com${ff.options.collectorBase}/e`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
          body: JSON.stringify(body),
        }),
        { clientAddress: ip },
      );
      if (res.status !== 202 || res.headers.has('x-footfall-dropped')) throw new Error(`beacon not stored: ${res.status} ${await res.text()}`);
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await ff.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
