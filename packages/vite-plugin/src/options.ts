import { resolveOptions, type FootfallOptions, type ResolvedOptions } from '@footfall/runtime';

type Env = Record<string, string | undefined>;

/** `footfall({...})` in vite.config: the runtime's options (including `endpoint`). */
export type FootfallViteOptions = FootfallOptions;

export interface ResolvedViteOptions {
  readonly runtime: ResolvedOptions;
  /** The tracker's collector URL: a path on this site or an absolute http(s) URL. */
  readonly endpoint: string;
}

/**
 * Resolves and validates every option once, when the plugin is created, so a bad value stops
 * `vite dev`/`vite build` at start with the setting's name and the values it accepts.
 * The environment wins over code, as everywhere in Footfall.
 */
export function resolveViteOptions(options: FootfallViteOptions = {}, env: Env = process.env, cwd = process.cwd()): ResolvedViteOptions {
  const runtime = resolveOptions(options, env, cwd);
  return { runtime, endpoint: runtime.endpoint };
}
