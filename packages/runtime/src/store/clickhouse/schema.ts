import type { Connection } from './connection.ts';

/**
 * Versioned migrations, applied in order; `schema_version` records each one applied. Every
 * statement is idempotent (IF NOT EXISTS), so instances starting at once may both run one.
 * The SQL stays within what ClickHouse 18.16 and current releases both accept.
 *
 * One wide table: ClickHouse compresses the repeated visit attributes per column, so keeping
 * them on every event costs little and no query needs a join. Empty strings stand for "absent"
 * (aggregates skip NULLs, which would make "the first event's attribute" wrong).
 * Monthly partitions (UTC) let retention drop whole months at once.
 */
export const MIGRATIONS: readonly ((c: Connection) => string[] | Promise<string[]>)[] = [
  () => [
    `CREATE TABLE IF NOT EXISTS events (
      ts Int64,
      bucket Int64,
      session String,
      visitor String,
      seq UInt64,
      kind UInt8,
      path String,
      name String,
      prop_keys Array(String),
      prop_values Array(String),
      engaged UInt32,
      hostname String, referrer String, source String,
      utm_source String, utm_medium String, utm_campaign String, utm_content String, utm_term String,
      country String, region String, city String, browser String, os String, device String
    ) ENGINE = MergeTree
    PARTITION BY toYYYYMM(toDateTime(intDiv(ts, 1000)), 'UTC')
    ORDER BY (ts, session)`,
  ],
  // Rollups of sealed (ended) buckets, as the SQLite engine keeps them: one row per bucket,
  // property and value. Several instances may seal a bucket at once: each writes its rows under
  // its own `sealer` id, then a marker; readers take each bucket's smallest marked sealer.
  () => [
    `CREATE TABLE IF NOT EXISTS sealed (bucket Int64, bucket_end Int64, sealer UInt64) ENGINE = MergeTree ORDER BY bucket`,
    `CREATE TABLE IF NOT EXISTS rollups (
      bucket Int64, sealer UInt64, property String, value String,
      visitors UInt64, visits UInt64, pageviews UInt64, events UInt64,
      bounces UInt64, visit_pageviews UInt64, duration_ms Int64, engaged_ms UInt64
    ) ENGINE = MergeTree
    PARTITION BY toYYYYMM(toDateTime(intDiv(bucket, 1000)), 'UTC')
    ORDER BY (property, bucket, value)`,
  ],
  // Scroll depth: engagement reports carry it (NULL: none reported), page rollups sum each
  // visit's deepest and count the visits. 18.16 has no ADD COLUMN IF NOT EXISTS: each column is
  // added only when missing, and an instance that lost the race finds it there.
  async (c) => {
    await addColumn(c, 'events', 'scroll', 'Nullable(UInt8)');
    await addColumn(c, 'rollups', 'scroll_sum', 'UInt64');
    await addColumn(c, 'rollups', 'scroll_count', 'UInt64');
    return [];
  },
  // Answers read once from a sealed bucket's raw events (page goals' totals, see page-goals.ts),
  // shared by every instance and kept across restarts. Keys name what they answer, the bucket's
  // rollup counts included, so a bucket sealed again is read afresh; a duplicate written by two
  // instances at once holds the same value and merges away.
  () => [
    `CREATE TABLE IF NOT EXISTS kept (bucket Int64, key String, value String) ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(toDateTime(intDiv(bucket, 1000)), 'UTC')
    ORDER BY (bucket, key)`,
  ],
  // Which instance wrote a row (0: imported, or written before this column), so that each
  // instance's live rollups take in every instance's new rows by (writer, seq); see live-tail.ts.
  async (c) => {
    await addColumn(c, 'events', 'writer', 'UInt64');
    return [];
  },
  // Month rollups (month-rollups.ts): a month's sums of its sealed buckets' rollups, under the
  // sealer that built them; `months` marks the complete ones. Existing sealed months are built
  // by the next seal.
  () => [
    `CREATE TABLE IF NOT EXISTS months (month UInt32, first Int64, last Int64, sealer UInt64) ENGINE = MergeTree ORDER BY month`,
    `CREATE TABLE IF NOT EXISTS month_rollups (
      month UInt32, sealer UInt64, property String, value String,
      visitors UInt64, visits UInt64, pageviews UInt64, events UInt64,
      bounces UInt64, visit_pageviews UInt64, duration_ms Int64, engaged_ms UInt64, scroll_sum UInt64, scroll_count UInt64
    ) ENGINE = MergeTree
    ORDER BY (property, month, value)`,
  ],
];

async function addColumn(c: Connection, table: string, column: string, type: string): Promise<void> {
  const has = async () => (await c.rows(`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '${table}' AND name = '${column}'`)).length > 0;
  if (await has()) return;
  try {
    await c.command(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  } catch (error) {
    if (!(await has())) throw error;
  }
}

export async function migrate(c: Connection): Promise<void> {
  await c.command(`CREATE TABLE IF NOT EXISTS schema_version (version UInt32) ENGINE = MergeTree ORDER BY version`);
  const done = new Set((await c.rows<{ version: number }>('SELECT version FROM schema_version')).map((r) => Number(r.version)));
  for (let v = 1; v <= MIGRATIONS.length; v++) {
    if (done.has(v)) continue;
    for (const statement of await MIGRATIONS[v - 1]!(c)) await c.command(statement);
    await c.insert('schema_version', [{ version: v }]);
  }
}
