import { trackerFor as runtimeTracker } from '@footfall/runtime';
import type { ResolvedViteOptions } from './options.ts';

/** The inline tracker for these options: the same code the runtime's `Footfall.tracker()` serves. */
export function trackerFor({ runtime }: ResolvedViteOptions): string {
  return runtimeTracker(runtime);
}

/** The shape of Vite's HtmlTagDescriptor that we use; declared here so this file stays bundler-neutral. */
export interface ScriptTag {
  tag: 'script';
  attrs: Record<string, string | boolean>;
  children: string;
  injectTo: 'head';
}

/**
 * A classic inline script at the end of <head>: it runs while the page parses, before any module
 * script (those are deferred), so the first pageview and the history hooks are in place before
 * a client router starts. Not 'head-prepend': <meta charset> must stay in the first 1024 bytes.
 */
export function trackerTag(code: string): ScriptTag {
  return { tag: 'script', attrs: { 'data-footfall': true }, children: code, injectTo: 'head' };
}
