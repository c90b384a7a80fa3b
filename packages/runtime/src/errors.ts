/**
 * A setting with a bad value. Thrown while options are resolved, so a misconfigured server stops
 * at start-up with the setting's name and the values it accepts, never while a visitor waits.
 */
export class FootfallConfigError extends Error {
  override name = 'FootfallConfigError';
  /** The environment variable of the setting at fault. */
  readonly setting: string;

  constructor(setting: string, message: string, options?: ErrorOptions) {
    super(`@footfall/runtime: ${message}`, options);
    this.setting = setting;
  }
}

/** Storage could not persist: the collector answers 503 and the visitor's browser may retry. */
export class FootfallStorageError extends Error {
  override name = 'FootfallStorageError';
  constructor(message: string, options?: ErrorOptions) {
    super(`@footfall/runtime: ${message}`, options);
  }
}
