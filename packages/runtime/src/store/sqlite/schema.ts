import type { DatabaseSync } from 'node:sqlite';
import { MONTH_SCHEMA, rebuild as rebuildMonths } from './month-rollups.ts';

/**
 * Visits hold what is constant for a visit (source, geo, device), once; events hold only what
 * changes per event. That split is most of why a pageview costs well under 100 bytes.
 * A migration is SQL, or a function when it also moves data (in the same transaction).
 */
const MIGRATIONS: readonly (string | ((db: DatabaseSync) => void))[] = [
  `CREATE TABLE strings (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
   -- Attribute columns hold strings.id: "Chrome" or "/docs/x" is stored once, not per visit.
   CREATE TABLE visits (
     id INTEGER PRIMARY KEY,
     bucket INTEGER NOT NULL,
     session TEXT NOT NULL,
     visitor BLOB NOT NULL,
     hostname INTEGER, referrer INTEGER, source INTEGER,
     utm_source INTEGER, utm_medium INTEGER, utm_campaign INTEGER, utm_content INTEGER, utm_term INTEGER,
     country INTEGER, region INTEGER, city INTEGER, browser INTEGER, os INTEGER, device INTEGER
   );
   CREATE UNIQUE INDEX visits_session ON visits (session, bucket);
   -- Clustered by time (no rowid, no separate ts index): range reads walk the table itself.
   -- seq only tells apart events of one visit in the same millisecond.
   CREATE TABLE events (
     ts INTEGER NOT NULL,
     visit INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     kind INTEGER NOT NULL,
     path INTEGER NOT NULL,
     name TEXT,
     props TEXT,
     engaged INTEGER,
     PRIMARY KEY (ts, visit, seq)
   ) WITHOUT ROWID;
   CREATE TABLE salts (bucket INTEGER PRIMARY KEY, salt BLOB NOT NULL);`,
  // Rollups of sealed (ended) buckets: dashboards read these instead of raw events.
  `CREATE INDEX visits_bucket ON visits (bucket);
   CREATE TABLE sealed (bucket INTEGER PRIMARY KEY, end INTEGER NOT NULL);
   CREATE TABLE rollups (
     property INTEGER NOT NULL, bucket INTEGER NOT NULL, value INTEGER NOT NULL, -- strings.id
     visitors INTEGER NOT NULL, visits INTEGER NOT NULL, pageviews INTEGER NOT NULL, events INTEGER NOT NULL,
     bounces INTEGER NOT NULL, visit_pageviews INTEGER NOT NULL, duration_ms INTEGER NOT NULL, engaged_ms INTEGER NOT NULL,
     PRIMARY KEY (property, bucket, value)
   ) WITHOUT ROWID;`,
  // Each append worker counts its commits in its own row, in the commit's transaction: a process
  // keeping live rollups of the open bucket tells its own commits from another process's.
  `CREATE TABLE writers (id TEXT PRIMARY KEY, commits INTEGER NOT NULL) WITHOUT ROWID;`,
  // Month rollups (month-rollups.ts) were built here; the next migration builds them now, with
  // the columns it adds.
  () => {},
  // Scroll depth: engagement reports carry it, page rollups sum each visit's deepest and count
  // the visits. The columns are added only where missing (see the last migration for why). This
  // migration built the month rollups too, before the next one did.
  (db) => {
    const has = (table: string, column: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
    if (!has('events', 'scroll')) db.exec('ALTER TABLE events ADD COLUMN scroll INTEGER');
    for (const column of ['scroll_sum', 'scroll_count']) if (!has('rollups', column)) db.exec(`ALTER TABLE rollups ADD COLUMN ${column} INTEGER NOT NULL DEFAULT 0`);
  },
  // Answers no rollup holds (page goals, funnel steps), computed once from a sealed bucket's raw
  // events and kept (stats/kept-answers.ts); dropped with the bucket's rollups when it is unsealed.
  // Then the month rollups (month-rollups.ts), built from the sealed buckets' rollups: long ranges
  // read a row per month instead of one per day. This stays the last migration, and each new one
  // takes it over: an older version that writes to the database leaves the months stale and
  // lowers user_version, so the last migration runs again and rebuilds them (and so everything
  // here is written to run twice).
  (db) => {
    db.exec('CREATE TABLE IF NOT EXISTS kept (bucket INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (bucket, key)) WITHOUT ROWID');
    // An older version sealing or pruning left kept answers it knew nothing of: start afresh.
    db.exec('DELETE FROM kept');
    db.exec(MONTH_SCHEMA);
    rebuildMonths(db);
  },
];

export function migrate(db: DatabaseSync): void {
  // Read the version inside the write lock: two processes starting at once must not both migrate.
  db.exec('BEGIN IMMEDIATE');
  try {
    const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    for (let v = version; v < MIGRATIONS.length; v++) {
      const migration = MIGRATIONS[v]!;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
    }
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
