// A tiny npm registry for tests: serves packed tarballs as if they were published, and passes
// every other request to the real registry. `astro add` and `npm install` then treat the
// packages exactly as they would published ones, without publishing anything.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LocalRegistry {
  readonly url: string;
  /** Paths of the requests it answered itself (not passed on), for assertions. */
  readonly served: string[];
  close(): Promise<void>;
}

interface Published {
  readonly manifest: Record<string, unknown> & { name: string; version: string };
  readonly tarball: Buffer;
}

/** Starts a registry on 127.0.0.1 serving these `.tgz` files (from `npm pack`). */
export async function startLocalRegistry(tarballs: readonly string[], upstream: string): Promise<LocalRegistry> {
  const packages = new Map<string, Published>();
  for (const file of tarballs) {
    const { stdout } = await run('tar', ['-xzOf', file, 'package/package.json']);
    const manifest = JSON.parse(stdout) as Published['manifest'];
    packages.set(manifest.name, { manifest, tarball: readFileSync(file) });
  }
  const served: string[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://registry').pathname);
      const scoped = /^\/(@[^/]+\/[^/]+|[^@/][^/]*)(?:\/(.*))?$/.exec(path);
      const own = scoped && packages.get(scoped[1]!);
      if (own) {
        served.push(path);
        const rest = scoped[2];
        if (rest?.startsWith('-/')) return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(own.tarball);
        const version = versionDocument(own, base);
        const body = rest === undefined ? { name: own.manifest.name, 'dist-tags': { latest: own.manifest.version }, versions: { [own.manifest.version]: version } } : version;
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }
      const headers: Record<string, string> = {};
      if (req.headers.accept) headers.accept = req.headers.accept;
      const answer = await fetch(new URL(req.url!.slice(1), upstream), { headers });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    })().catch((error: Error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(error.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${base}/`, served, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function versionDocument({ manifest, tarball }: Published, base: string): Record<string, unknown> {
  const file = `${manifest.name.split('/').pop()}-${manifest.version}.tgz`;
  return {
    ...manifest,
    _id: `${manifest.name}@${manifest.version}`,
    dist: {
      tarball: `${base}/${manifest.name}/-/${file}`,
      integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      shasum: createHash('sha1').update(tarball).digest('hex'),
    },
  };
}
