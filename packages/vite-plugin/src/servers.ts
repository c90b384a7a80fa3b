import { createFootfall, type Footfall } from '@footfall/runtime';
import type { ResolvedViteOptions } from './options.ts';
import { footfallMiddleware, type NodeMiddleware } from './middleware.ts';

export type ServerKind = 'dev' | 'preview';

/** The parts of Vite's dev and preview servers Footfall uses. */
export interface HostServer {
  middlewares: { use(fn: NodeMiddleware): unknown };
  httpServer: { once(event: 'close', listener: () => void): unknown } | null;
}

/**
 * One Footfall (one open store) per running Vite server.
 *
 * Vite restarts a dev server (after a config edit, or `server.restart()`) by creating the new
 * server first, which calls `configureServer` again, and only then closing the old one with
 * `closeServer({ reason: 'restart' })`; the hook has no argument saying which server it is for.
 * When the config is inline, one plugin instance sees both, so a restart closes every Footfall
 * but the newest. When the config file was reloaded, the outgoing instance holds only the old
 * server's Footfall, and closes it.
 *
 * The http server's 'close' event is a fallback for hosts that never call the hooks. It closes
 * only its own server's Footfall and leaves it in the list: Vite closes the old http server just
 * before `closeServer('restart')`, and that hook must still see two servers to spare the new one.
 */
export class FootfallServers {
  readonly #options: ResolvedViteOptions;
  readonly #log: (message: string) => void;
  readonly #running: Record<ServerKind, Footfall[]> = { dev: [], preview: [] };
  readonly #closing = new WeakMap<Footfall, Promise<void>>();

  constructor(options: ResolvedViteOptions, log: (message: string) => void = (m) => console.warn(m)) {
    this.#options = options;
    this.#log = log;
  }

  /** Opens the store before the server listens, so a storage problem stops the start with its reason. */
  async start(kind: ServerKind, server: HostServer, log = this.#log): Promise<Footfall> {
    // Vite's dev server is the owner's own machine: the dashboard is open. Preview follows the
    // production rules (a password, or publicDashboard), since it is what production will serve.
    const footfall = await createFootfall(this.#options.runtime, { dev: kind === 'dev', log });
    this.#running[kind].push(footfall);
    server.middlewares.use(footfallMiddleware(footfall));
    server.httpServer?.once('close', () => void this.#close(footfall));
    return footfall;
  }

  /** `closeServer` / `closePreviewServer`. */
  async stop(kind: ServerKind, reason: 'close' | 'restart' = 'close'): Promise<void> {
    const running = this.#running[kind];
    const outgoing = reason === 'restart' && running.length > 1 ? running.slice(0, -1) : running;
    this.#running[kind] = running.filter((footfall) => !outgoing.includes(footfall));
    await Promise.all(outgoing.map((footfall) => this.#close(footfall)));
  }

  /** Idempotent: the hook and the fallback may both close the same Footfall. */
  #close(footfall: Footfall): Promise<void> {
    let closing = this.#closing.get(footfall);
    if (!closing) {
      closing = footfall.close().catch((e: Error) => this.#log(`@footfall/vite: closing the store failed: ${e.message}`));
      this.#closing.set(footfall, closing);
    }
    return closing;
  }
}
