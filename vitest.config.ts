import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/tracker/**/*.test.ts', 'test/**/*.test.ts'],
    // Astro/Vite builds and Chromium start-up are slow on a 2-core machine; behaviour is what
    // the tests assert, these limits only stop a hung run.
    testTimeout: 60_000,
    hookTimeout: 240_000,
    pool: 'forks',
  },
});
