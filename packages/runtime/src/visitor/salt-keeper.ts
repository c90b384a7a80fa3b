import { createSecretKey, type KeyObject } from 'node:crypto';
import type { Store } from '../store/types.ts';
import { bucketAt, type Bucket } from './buckets.ts';

export interface CurrentSalt {
  readonly bucket: Bucket;
  /** The bucket's salt as an HMAC key. */
  readonly key: KeyObject;
}

/**
 * Hands out the open bucket's salt and destroys the salts of ended buckets. Rotation happens on
 * the first event of a new bucket and, with no traffic at all, from the maintenance timer.
 */
export class SaltKeeper {
  #current: Promise<CurrentSalt> | undefined;
  #currentBucket: Bucket | undefined;

  constructor(
    readonly store: Store,
    readonly rotationHours: number,
    readonly timezone: string,
  ) {}

  at(ts: number): Promise<CurrentSalt> {
    const b = this.#currentBucket;
    if (this.#current && b && ts >= b.start && ts < b.end) return this.#current;
    const bucket = bucketAt(ts, this.rotationHours, this.timezone);
    this.#currentBucket = bucket;
    const current = this.#open(bucket);
    this.#current = current;
    // A failed lookup must not be cached: the next event tries again.
    current.catch(() => {
      if (this.#current === current) this.#current = this.#currentBucket = undefined;
    });
    return current;
  }

  async #open(bucket: Bucket): Promise<CurrentSalt> {
    await this.store.destroySaltsBefore(bucket.start);
    return { bucket, key: createSecretKey(await this.store.salt(bucket.start)) };
  }

  /** Destroys every salt whose bucket has ended by `now`. */
  async rotate(now: number): Promise<Bucket> {
    const bucket = bucketAt(now, this.rotationHours, this.timezone);
    await this.store.destroySaltsBefore(bucket.start);
    return bucket;
  }
}
