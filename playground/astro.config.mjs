// The playground: a small static Astro site measured by Footfall, served by @astrojs/node.
// `npm start` at the repository root builds everything and serves it (see start.mjs).
import node from '@astrojs/node';
import footfall from '@footfall/astro';
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  adapter: node({ mode: 'standalone' }),
  server: { host: '127.0.0.1', port: 4321 },
  integrations: [
    footfall({
      // The playground runs on 127.0.0.1; real sites leave this off so local testing is not counted.
      allowLocalhost: true,
    }),
  ],
});
