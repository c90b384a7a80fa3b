import type { FootfallOptions } from '@footfall/runtime';

/**
 * What the build hands to Footfall's server code inside a framework's own server (SvelteKit's
 * handle, a Nitro handler, React Router's routes) through a virtual module: the owner's options
 * as written, so the server applies FOOTFALL_* from its own environment when it starts, plus
 * what the build fixed for good.
 */
export interface HostConfig {
  readonly options: FootfallOptions;
  /** `vite dev`: the dashboard is open, as on the owner's own machine. */
  readonly dev: boolean;
  /** The tracker as built into the pages, ready to inline. */
  readonly tracker: string;
  /** The bases the tracker posts to and the dashboard lives under, fixed at build time. */
  readonly collectorBase: string;
  readonly dashboardBase: string;
}

export const HOST_CONFIG_ID = 'virtual:@footfall/vite/config';

/** The virtual module's source. Server code only: it may hold a password written into the config. */
export function hostConfigModule(config: HostConfig): string {
  return `export default ${JSON.stringify(config)};\n`;
}
