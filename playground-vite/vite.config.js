// A plain multi-page Vite app measured by Footfall: / and /about/ are pages of their own,
// /app/* is one page whose routes change in the browser (history.pushState).
import { resolve } from 'node:path';
import footfall from '@footfall/vite';
import { defineConfig } from 'vite';

const page = (path) => resolve(import.meta.dirname, path);

export default defineConfig({
  appType: 'mpa',
  plugins: [
    // allowLocalhost: the playground runs on localhost, which the tracker skips by default.
    footfall({ allowLocalhost: true }),
    appRoutes(),
  ],
  build: {
    rolldownOptions: { input: { home: page('index.html'), about: page('about/index.html'), app: page('app/index.html') } },
  },
});

/** /app/settings and friends exist only in the browser: a reload or a deep link gets app/index.html. */
function appRoutes() {
  const rewrite = (req, _res, next) => {
    if (/^\/app\/[^.?]*(\?|$)/.test(req.url ?? '')) req.url = '/app/index.html';
    next();
  };
  return {
    name: 'playground:app-routes',
    configureServer: (server) => void server.middlewares.use(rewrite),
    configurePreviewServer: (server) => void server.middlewares.use(rewrite),
  };
}
