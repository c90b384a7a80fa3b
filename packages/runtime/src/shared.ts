import { createFootfall, type Footfall, type FootfallContext } from './footfall.ts';
import type { ResolvedOptions } from './options.ts';

// One Footfall (one database, one group-commit writer) per configuration per process, shared by
// every host adapter that serves it: SvelteKit's handle, Nitro's handler, React Router's routes,
// Astro's endpoints. It lives on globalThis because dev servers evaluate server modules more
// than once (HMR, one module graph per environment), and two writers on one SQLite file would
// contend for its lock.
const REGISTRY = Symbol.for('@footfall/runtime:instances');
type Registry = Map<string, Promise<Footfall>>;

function registry(): Registry {
  const scope = globalThis as { [REGISTRY]?: Registry };
  return (scope[REGISTRY] ??= new Map());
}

/**
 * The process's Footfall for these options, created on first use. `key` names the
 * configuration (two hosts with the same key share one instance). A failed start (a bad setting,
 * an unwritable data directory) is not cached: the next request tries again.
 */
export function sharedFootfall(key: string, options: () => ResolvedOptions, context: FootfallContext = {}): Promise<Footfall> {
  const instances = registry();
  let footfall = instances.get(key);
  if (!footfall) {
    const created = (async () => createFootfall(options(), context))();
    created.catch(() => {
      if (instances.get(key) === created) instances.delete(key);
    });
    instances.set(key, created);
    footfall = created;
  }
  return footfall;
}

/** Closes every shared Footfall of this process (a dev server calls it when it stops). */
export async function closeSharedFootfalls(): Promise<void> {
  const instances = registry();
  const all = [...instances.values()];
  instances.clear();
  await Promise.allSettled(all.map(async (footfall) => (await footfall).close()));
}
