import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Past this many cached strings the caches start over: memory stays bounded on any site. */
const MAX_CACHED = 200_000;

/**
 * Interned strings. A path like `/docs/section-12/page-345` repeats on every pageview; stored
 * once and referenced by a small integer it costs one or two bytes per event. Rollup property
 * names and values share the table. Ids only grow, so any process can resolve any id.
 */
export class StringTable {
  #ids = new Map<string, number>();
  #texts = new Map<number, string>();
  #find: StatementSync;
  #insert: StatementSync;
  #text: StatementSync;

  constructor(db: DatabaseSync) {
    this.#find = db.prepare('SELECT id FROM strings WHERE text = ?');
    this.#insert = db.prepare('INSERT INTO strings (text) VALUES (?) RETURNING id');
    this.#text = db.prepare('SELECT text FROM strings WHERE id = ?');
  }

  /** The id of a string, creating it: call inside a write transaction. */
  intern(text: string): number {
    const known = this.lookup(text);
    if (known !== undefined) return known;
    const id = Number((this.#insert.get(text) as { id: number }).id);
    this.#remember(id, text);
    return id;
  }

  /** The id of a string if it was ever stored. */
  lookup(text: string): number | undefined {
    const cached = this.#ids.get(text);
    if (cached !== undefined) return cached;
    const row = this.#find.get(text) as { id: number } | undefined;
    if (!row) return undefined;
    this.#remember(Number(row.id), text);
    return Number(row.id);
  }

  text(id: number): string {
    const cached = this.#texts.get(id);
    if (cached !== undefined) return cached;
    const text = (this.#text.get(id) as { text: string }).text;
    this.#remember(id, text);
    return text;
  }

  /** After a rollback, ids handed out inside it no longer exist. */
  forget(): void {
    this.#ids.clear();
    this.#texts.clear();
  }

  #remember(id: number, text: string): void {
    if (this.#ids.size >= MAX_CACHED) this.forget();
    this.#ids.set(text, id);
    this.#texts.set(id, text);
  }
}
