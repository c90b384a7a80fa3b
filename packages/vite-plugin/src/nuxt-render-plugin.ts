// A Nitro plugin (registered by the Nuxt module): the tracker goes into the head of every page
// Nuxt renders, on request and while prerendering.
import { trackerElement } from '@footfall/runtime';
import config from 'virtual:@footfall/vite/config';

/** The parts of Nitro's app and Nuxt's `render:html` context used here. */
interface NitroApp {
  hooks: { hook(name: 'render:html', fn: (html: { head: string[] }) => void): unknown };
}

const element = trackerElement(config.tracker);

export default function footfallRenderPlugin(nitroApp: NitroApp): void {
  nitroApp.hooks.hook('render:html', (html) => {
    if (!html.head.some((part) => part.includes('<script data-footfall'))) html.head.push(element);
  });
}
