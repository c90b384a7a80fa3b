// A tiny site behind a real Footfall, for tracker tests in Chromium: every page the `page`
// function writes carries the tracker, beacons go to the Footfall's collector, and what it
// stored is read back through its API (not from the requests Playwright reports: it misses most
// of those sent while a page unloads).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFootfall } from '../../packages/runtime/src/footfall.ts';
import { footfallMiddleware } from '../../packages/runtime/src/node.ts';
import { trackerScript } from '../../packages/runtime/src/tracker.ts';

export interface TrackedSite {
  readonly origin: string;
  /** The Pages breakdown's row of `path` for today, or undefined while it has no pageview. */
  pageRow<T extends object>(path: string): Promise<(T & { value: string }) | undefined>;
  close(): Promise<void>;
}

/** `page` writes a page's body (markup inside <body>) for a request URL. */
export async function startTrackedSite(page: (url: URL) => { body: string; bodyStyle?: string }): Promise<TrackedSite> {
  const dataDir = mkdtempSync(join(tmpdir(), 'footfall-tracked-'));
  const ff = await createFootfall({ dataDir, publicDashboard: true }, { env: {}, timers: false, log: () => {} });
  const tracker = trackerScript({ allowLocalhost: true });
  const collector = footfallMiddleware(ff);
  const server = createServer((req, res) =>
    collector(req, res, () => {
      const { body, bodyStyle } = page(new URL(req.url ?? '/', 'http://x'));
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><html><head><meta charset="utf-8"><title>t</title><script>${tracker}</script></head><body${bodyStyle ? ` style="${bodyStyle}"` : ''}>${body}</body></html>`,
        );
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    async pageRow<T extends object>(path: string) {
      const response = await fetch(`${origin}/_analytics/api/breakdown?property=page&period=today&limit=100`);
      const { results } = (await response.json()) as { results: (T & { value: string })[] };
      return results.find((row) => row.value === path);
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await ff.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
