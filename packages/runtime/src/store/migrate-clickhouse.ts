import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FootfallStorageError } from '../errors.ts';
import type { ClickHouseSettings } from '../options.ts';
import { MIGRATED_SEQ_LIMIT, ClickHouseStore } from './clickhouse/clickhouse-store.ts';
import { int } from './clickhouse/connection.ts';
import { JSON_FILE, JsonStore } from './json/json-store.ts';
import { loadSqliteEngine } from './load-sqlite.ts';
import type { Store } from './types.ts';
import { type EventRow, type StoredEvent, VISIT_ATTRIBUTES } from '../model/events.ts';

export interface ClickHouseMigrationReport {
  readonly source: 'sqlite' | 'json';
  /** Events copied by this run. */
  readonly events: number;
  /** Days already complete in ClickHouse, left alone. */
  readonly skippedDays: number;
  readonly copiedDays: number;
}

const DAY = 86_400_000;
/** Events per INSERT (one INSERT of one block is atomic in ClickHouse). */
const CHUNK = 100_000;
/** Migrated events of one UTC day are numbered from day * SEQ_PER_DAY. */
const SEQ_PER_DAY = 10_000_000;

type Source = Store & { rows(from: number, to: number): Promise<readonly EventRow[]> };

/**
 * Copies a SQLite (or JSON) data directory's history into ClickHouse, one UTC day at a time, and
 * the salt of the open bucket, so visitors keep their hash across the switch. Idempotent: a day
 * whose copied events are all in ClickHouse is skipped, a day left half-copied by an interrupted
 * run is deleted and copied again; events written live by Footfall instances are never touched
 * (migrated events carry storage-order numbers below MIGRATED_SEQ_LIMIT, live ones above).
 */
export async function migrateToClickHouse(
  dir: string,
  settings: ClickHouseSettings,
  openBucket: number,
  log: (line: string) => void = () => {},
): Promise<ClickHouseMigrationReport> {
  let source: Source;
  let kind: 'sqlite' | 'json';
  if (existsSync(join(dir, 'footfall.db'))) {
    const { SqliteStore } = await loadSqliteEngine();
    source = new SqliteStore(dir);
    kind = 'sqlite';
  } else if (existsSync(join(dir, JSON_FILE))) {
    source = await JsonStore.open(dir);
    kind = 'json';
  } else {
    throw new FootfallStorageError(
      `no Footfall data in ${dir} (neither footfall.db nor ${JSON_FILE}). Point FOOTFALL_DATA_DIR or --data-dir at the directory the sqlite or json engine used.`,
    );
  }
  const target = await ClickHouseStore.open(settings);
  try {
    await target.importSalt(openBucket, await source.salt(openBucket));
    const earliest = await source.earliest();
    let events = 0;
    let skippedDays = 0;
    let copiedDays = 0;
    if (earliest !== undefined) {
      const end = Date.now() + DAY;
      for (let day = Math.floor(earliest / DAY) * DAY; day < end; day += DAY) {
        const rows = await source.rows(day, day + DAY);
        if (rows.length === 0) continue;
        const mine = `ts >= ${int(day)} AND ts < ${int(day + DAY)} AND seq < ${MIGRATED_SEQ_LIMIT}`;
        const [copied] = await target.connection.rows<{ n: string }>(`SELECT count() AS n FROM events WHERE ${mine}`);
        const have = Number(copied?.n ?? 0);
        if (have === rows.length) {
          skippedDays++;
          continue;
        }
        if (have > 0) await target.connection.command(`ALTER TABLE events DELETE WHERE ${mine}`, true).then(() => waitForMutations(target));
        const firstSeq = (day / DAY) * SEQ_PER_DAY;
        for (let i = 0; i < rows.length; i += CHUNK) {
          await target.appendWithSeq(rows.slice(i, i + CHUNK).map(toStored), firstSeq + i);
        }
        events += rows.length;
        copiedDays++;
        log(`footfall: ${new Date(day).toISOString().slice(0, 10)}: ${rows.length} events`);
      }
    }
    if (copiedDays > 0) {
      // Copied days may lie in buckets already sealed: forget every rollup, the next maintenance
      // run (at any instance's start) builds them again from the events.
      await target.connection.command('TRUNCATE TABLE IF EXISTS rollups');
      await target.connection.command('TRUNCATE TABLE IF EXISTS sealed');
    }
    return { source: kind, events, skippedDays, copiedDays };
  } finally {
    await target.close();
    await source.close();
  }
}

function toStored(r: EventRow): StoredEvent {
  // The source's visit id stands in for the session id: unique within its bucket, and stable.
  const e: StoredEvent = { ts: r.ts, kind: r.kind, bucket: r.visit.bucket, visitor: r.visit.visitor, session: `migrated-${r.visit.key}`, path: r.path };
  for (const a of VISIT_ATTRIBUTES) if (r.visit[a] !== undefined) e[a] = r.visit[a];
  if (r.name !== undefined) e.name = r.name;
  if (r.props !== undefined) e.props = r.props;
  if (r.engaged !== undefined) e.engaged = r.engaged;
  if (r.scroll !== undefined) e.scroll = r.scroll;
  return e;
}

export async function waitForMutations(store: ClickHouseStore): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if ((await store.connection.rows(`SELECT 1 FROM system.mutations WHERE database = currentDatabase() AND table = 'events' AND is_done = 0 LIMIT 1`)).length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
