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
  // the visits. Then the month rollups (month-rollups.ts), built from the sealed buckets'
  // rollups: long ranges read a row per month instead of one per day. Dropped first, so that a
  // database an older version wrote to (which leaves them stale and lowers user_version) gets
  // them rebuilt; for the same reason the columns are added only where missing.
  (db) => {
    const has = (table: string, column: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
    if (!has('events', 'scroll')) db.exec('ALTER TABLE events ADD COLUMN scroll INTEGER');
    for (const column of ['scroll_sum', 'scroll_count']) if (!has('rollups', column)) db.exec(`ALTER TABLE rollups ADD COLUMN ${column} INTEGER NOT NULL DEFAULT 0`);
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
