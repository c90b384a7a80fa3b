/**
 * Frameworks that render their own HTML (no index.html, so Vite's transformIndexHtml never
 * runs for their pages) and serve it from their own server. Footfall reaches their pages and
 * their server through one line of the framework's own code; the build says so when it is missing.
 */
export interface Framework {
  readonly name: string;
  /** The one line that puts Footfall into the framework's server and pages. */
  readonly fix: string;
}

const FRAMEWORKS: readonly (Framework & { readonly plugin: (name: string) => boolean })[] = [
  {
    name: 'SvelteKit',
    plugin: (name) => name.startsWith('vite-plugin-sveltekit'),
    fix: "add `export { handle } from '@footfall/vite/sveltekit';` to src/hooks.server.js (or put `footfallHandle` in your `sequence(...)`)",
  },
  {
    name: 'Nuxt',
    plugin: (name) => name.startsWith('nuxt:'),
    fix: "use the Nuxt module instead of the Vite plugin: `modules: ['@footfall/vite/nuxt']` in nuxt.config",
  },
  {
    name: 'React Router',
    plugin: (name) => name === 'react-router' || name.startsWith('react-router:'),
    fix: "add `...footfallRoutes()` to the routes app/routes.ts exports (`import { footfallRoutes } from '@footfall/vite/react-router';`)",
  },
];

/** The framework whose Vite plugins are in this build, if it is one that needs a line of code. */
export function detectFramework(pluginNames: readonly string[]): Framework | undefined {
  return FRAMEWORKS.find((f) => pluginNames.some(f.plugin));
}

/** Said at the end of a server build in which Footfall's server code never loaded. */
export function missingLineWarning(framework: Framework): string {
  return `@footfall/vite: ${framework.name} renders its own pages, and this build has no Footfall in its server: no page will carry the tracker and the collector will answer 404 in production. To fix it, ${framework.fix}.`;
}

/** Said when a build emitted HTML pages of which none carries the tracker. */
export function untrackedPagesWarning(count: number): string {
  return `@footfall/vite: this build emitted ${count} HTML page(s) and none carries the Footfall tracker, so no visit will be counted. See the framework set-up in the @footfall/vite README.`;
}
