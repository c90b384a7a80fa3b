// Written by vite-plugin.ts while Astro builds: a RouteConfig (see route-config.ts) as JSON.
declare module 'virtual:@footfall/astro/options' {
  const config: unknown;
  export default config;
}
