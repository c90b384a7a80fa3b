import { describe, expect, it } from 'vitest';
import { buildFixture } from '../../../test/support/astro-sites.ts';

describe('a site without a server adapter', () => {
  it('fails to build, and the error says how to add @astrojs/node', async () => {
    const build = buildFixture('no-adapter');
    await expect(build).rejects.toThrow(/@footfall\/astro: .*needs a server adapter/);
    await expect(build).rejects.toThrow(/npm i @astrojs\/node.*adapter: node\(\{ mode: 'standalone' \}\)/);
  });
});
