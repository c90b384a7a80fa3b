import type { SaltVault } from '../store/types.ts';
import { bucketAt, type Bucket } from './buckets.ts';
import { VisitorHasher } from './hash.ts';

export interface CurrentSalt {
  readonly bucket: Bucket;
  /** Visitor hashes under the bucket's salt; made once per bucket, not per request. */
  readonly hasher: VisitorHasher;
}

/**
 * Hands out the open bucket's salt and destroys the salts of ended buckets. Rotation happens on
 * the first event of a new bucket and, with no traffic at all, from the maintenance timer.
 */
export class SaltKeeper {
  #current: Promise<CurrentSalt> | undefined;
  #currentBucket: Bucket | undefined;
  /** What #current resolved to, once it has. */
  #ready: CurrentSalt | undefined;

  constructor(
    readonly store: SaltVault,
    readonly rotationHours: number,
    readonly timezone: string,
  ) {}

  at(ts: number): Promise<CurrentSalt> {
    const b = this.#currentBucket;
    if (this.#current && b && ts >= b.start && ts < b.end) return this.#current;
    const bucket = bucketAt(ts, this.rotationHours, this.timezone);
    this.#currentBucket = bucket;
    this.#ready = undefined;
    const current = this.#open(bucket);
    this.#current = current;
    current.then(
      (salt) => {
        if (this.#current === current) this.#ready = salt;
      },
      // A failed lookup must not be cached: the next event tries again.
      () => {
        if (this.#current === current) this.#current = this.#currentBucket = undefined;
      },
    );
    return current;
  }

  /**
   * What `at(ts)` would resolve to, when that is already known: the open bucket's loaded salt.
   * The collector asks this first, so an ordinary event waits on no promise for its salt.
   */
  ready(ts: number): CurrentSalt | undefined {
    const salt = this.#ready;
    return salt && ts >= salt.bucket.start && ts < salt.bucket.end ? salt : undefined;
  }

  async #open(bucket: Bucket): Promise<CurrentSalt> {
    await this.store.destroySaltsBefore(bucket.start);
    return { bucket, hasher: new VisitorHasher(await this.store.salt(bucket.start)) };
  }

  /** Destroys every salt whose bucket has ended by `now`. */
  async rotate(now: number): Promise<Bucket> {
    const bucket = bucketAt(now, this.rotationHours, this.timezone);
    await this.store.destroySaltsBefore(bucket.start);
    return bucket;
  }
}
