import { randomBytes } from 'node:crypto';
import type { Connection } from './connection.ts';

/**
 * Salts live in ClickHouse, where every instance reaches them, one table per rotation bucket:
 * destroying a salt is DROP TABLE, which deletes the table's directory at once (SYNC on servers
 * whose Atomic databases would otherwise keep it 8 minutes). A row delete would not do: the old
 * part keeps the bytes until a merge and a cleanup.
 *
 * Choosing one salt without locks or server clocks: an instance that finds no salt inserts a
 * random candidate; every instance, having seen candidates or inserted one, waits `settleMs` and
 * then takes the smallest. A racing candidate is inserted within moments of a SELECT that still
 * saw nothing, so after the wait every instance sees the same candidates and takes the same one.
 */
export class SaltTables {
  readonly #c: Connection;
  readonly #settleMs: number;
  readonly #cache = new Map<number, Uint8Array>();
  readonly #pending = new Map<number, Promise<Uint8Array>>();

  constructor(c: Connection, settleMs: number) {
    this.#c = c;
    this.#settleMs = settleMs;
  }

  static table(bucket: number): string {
    return `salt_${bucket < 0 ? `m${-bucket}` : bucket}`;
  }

  static bucketOf(table: string): number | undefined {
    const m = /^salt_(m?)(\d+)$/.exec(table);
    return m ? (m[1] ? -1 : 1) * Number(m[2]) : undefined;
  }

  get(bucket: number): Promise<Uint8Array> {
    const cached = this.#cache.get(bucket);
    if (cached) return Promise.resolve(cached);
    let pending = this.#pending.get(bucket);
    if (!pending) {
      pending = this.#choose(bucket).finally(() => this.#pending.delete(bucket));
      this.#pending.set(bucket, pending);
    }
    return pending;
  }

  async #choose(bucket: number): Promise<Uint8Array> {
    const table = SaltTables.table(bucket);
    await this.#c.command(`CREATE TABLE IF NOT EXISTS ${table} (salt String) ENGINE = MergeTree ORDER BY tuple()`);
    const read = () => this.#c.rows<{ salt: string }>(`SELECT salt FROM ${table} ORDER BY salt LIMIT 1`);
    if ((await read()).length === 0) {
      // In the body of an insert, never in a query's text (which query logs would keep).
      await this.#c.insert(table, [{ salt: randomBytes(32).toString('hex') }]);
    }
    await new Promise((r) => setTimeout(r, this.#settleMs));
    const [row] = await read();
    const salt = new Uint8Array(Buffer.from(row!.salt, 'hex'));
    this.#cache.set(bucket, salt);
    return salt;
  }

  /** The bucket's salt if one was chosen or offered, without offering one. */
  async stored(bucket: number): Promise<Uint8Array | undefined> {
    const cached = this.#cache.get(bucket);
    if (cached) return cached;
    const exists = await this.#c.rows(`SELECT 1 FROM system.tables WHERE database = currentDatabase() AND name = '${SaltTables.table(bucket)}'`);
    if (exists.length === 0) return undefined;
    const [row] = await this.#c.rows<{ salt: string }>(`SELECT salt FROM ${SaltTables.table(bucket)} ORDER BY salt LIMIT 1`);
    return row ? new Uint8Array(Buffer.from(row.salt, 'hex')) : undefined;
  }

  /** Takes over an existing salt (migration), unless the bucket has one already. */
  async import(bucket: number, salt: Uint8Array): Promise<void> {
    const table = SaltTables.table(bucket);
    await this.#c.command(`CREATE TABLE IF NOT EXISTS ${table} (salt String) ENGINE = MergeTree ORDER BY tuple()`);
    if ((await this.#c.rows(`SELECT 1 FROM ${table} LIMIT 1`)).length === 0) await this.#c.insert(table, [{ salt: Buffer.from(salt).toString('hex') }]);
  }

  async destroyBefore(bucket: number): Promise<void> {
    for (const b of this.#cache.keys()) if (b < bucket) this.#cache.delete(b);
    const tables = await this.#c.rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'salt\\\\_%'`);
    const sync = this.#c.atLeast(20, 10) ? ' SYNC' : '';
    for (const { name } of tables) {
      const b = SaltTables.bucketOf(name);
      if (b !== undefined && b < bucket) await this.#c.command(`DROP TABLE IF EXISTS ${name}${sync}`);
    }
  }
}
