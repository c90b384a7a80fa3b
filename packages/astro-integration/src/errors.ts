/** A set-up mistake the site owner must fix in astro.config; thrown while Astro loads it. */
export class FootfallAstroError extends Error {
  override name = 'FootfallAstroError';
  constructor(message: string, options?: ErrorOptions) {
    super(`@footfall/astro: ${message}`, options);
  }
}
