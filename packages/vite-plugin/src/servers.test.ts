import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { resolveViteOptions } from './options.ts';
import { FootfallServers, type HostServer } from './servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'footfall-servers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function host(): HostServer & { httpServer: EventEmitter; used: unknown[] } {
  const used: unknown[] = [];
  return { used, middlewares: { use: (fn) => used.push(fn) }, httpServer: new EventEmitter() };
}

const servers = () => new FootfallServers(resolveViteOptions({ dataDir: dir }, {}), () => {});

it('mounts one middleware per server and closes the store when the http server closes', async () => {
  const s = servers();
  const server = host();
  const ff = await s.start('dev', server);
  const close = vi.spyOn(ff, 'close');
  expect(server.used).toHaveLength(1);
  server.httpServer.emit('close');
  await s.stop('dev');
  expect(close).toHaveBeenCalledTimes(1);
});

it('an inline-config restart (one plugin instance) closes the old store, not the new one', async () => {
  const s = servers();
  const first = host();
  const old = await s.start('dev', first);
  const oldClose = vi.spyOn(old, 'close');
  // Vite's restart order: configureServer on the new server, then closeServer('restart').
  const second = host();
  const current = await s.start('dev', second);
  const currentClose = vi.spyOn(current, 'close');
  first.httpServer.emit('close'); // Vite closes the old http server first, then calls the hook
  await s.stop('dev', 'restart');
  expect(oldClose).toHaveBeenCalledTimes(1);
  expect(currentClose).not.toHaveBeenCalled();
  await s.stop('dev', 'close');
  expect(currentClose).toHaveBeenCalledTimes(1);
});

it("a config-file restart (a new plugin instance) closes the outgoing instance's only store", async () => {
  const outgoing = servers();
  const ff = await outgoing.start('dev', host());
  const close = vi.spyOn(ff, 'close');
  await outgoing.stop('dev', 'restart');
  expect(close).toHaveBeenCalledTimes(1);
});
