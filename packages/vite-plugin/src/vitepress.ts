import { trackerElement } from '@footfall/runtime';

/** The part of VitePress's SiteConfig used here (VitePress is not a dependency). */
interface VitePressSiteConfig {
  // biome-ignore lint/suspicious/noConfusingVoidType: VitePress's own type for this hook, spelled as it does.
  transformHtml?: (code: string, id: string, ctx: unknown) => string | void | Promise<string | void>;
}

/**
 * VitePress renders its built pages itself, after Vite's build, so transformIndexHtml never
 * sees them; its own `transformHtml` hook does, for every page. The owner's hook (if any) runs
 * first. `vitepress dev` serves pages through transformIndexHtml and needs nothing from here.
 */
export function addToVitePress(siteConfig: unknown, tracker: string): void {
  const site = siteConfig as VitePressSiteConfig;
  const element = trackerElement(tracker);
  const owners = site.transformHtml;
  if ((owners as { footfall?: true } | undefined)?.footfall) return;
  const transformHtml = async (code: string, id: string, ctx: unknown) => {
    const html = (await owners?.(code, id, ctx)) ?? code;
    return html.includes('<script data-footfall') ? html : html.replace(/<\/head\s*>/i, (end) => element + end);
  };
  site.transformHtml = Object.assign(transformHtml, { footfall: true as const });
}
