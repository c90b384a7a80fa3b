import { FootfallConfigError, FootfallStorageError } from '../errors.ts';
import type { StorageEngine } from '../options.ts';
import { type Engine, type EngineSettings, ENGINES, engineIn } from './engines.ts';
import type { HistoryImport, Store } from './types.ts';

export interface MigrationReport {
  readonly source: StorageEngine;
  readonly target: StorageEngine;
  /** Events copied by this run. */
  readonly events: number;
  readonly copiedDays: number;
  /** Days whose copy was already complete in the target, left alone. */
  readonly skippedDays: number;
  /** Salts taken over (the open bucket's, if it had one): visitors keep their hash. */
  readonly salts: number;
}

const DAY = 86_400_000;

/** The engines a migration can copy into, for messages. */
export const MIGRATION_TARGETS = (Object.keys(ENGINES) as StorageEngine[]).filter((name) => (ENGINES[name] as Engine).openTarget);

/**
 * `footfall migrate --to <engine>`: copies the history in `settings.dataDir` (whichever engine
 * wrote it) into `to`, one UTC day at a time, with the open bucket's salt, through the storage
 * contract alone (HistoryExport out, HistoryImport in). Safe to run again: a day whose import is
 * complete is skipped, one an interrupted run left half-copied is copied again, and events the
 * target's own instances appended live are never touched. The source is left as it was.
 */
export async function migrate(to: StorageEngine, settings: EngineSettings, openBucket: number, log: (line: string) => void = () => {}): Promise<MigrationReport> {
  const opener = (ENGINES[to] as Engine).openTarget;
  if (!opener) throw new FootfallConfigError('--to', `footfall migrate --to must be one of ${MIGRATION_TARGETS.join(', ')} (got ${to}).`);
  const from = engineIn(settings.dataDir, to);
  if (from === undefined) {
    const files = (Object.keys(ENGINES) as StorageEngine[]).filter((name) => name !== to && (ENGINES[name] as Engine).file);
    throw new FootfallStorageError(
      `no data to migrate in ${settings.dataDir} (none of ${files.map((name) => (ENGINES[name] as Engine).file).join(', ')}). Point FOOTFALL_DATA_DIR or --data-dir at the directory the ${files.join(' or ')} engine used.`,
    );
  }
  const source = await ENGINES[from].open(settings);
  let target: (Store & HistoryImport) | undefined;
  try {
    target = await opener(settings);
    return await copy(source, target, { source: from, target: to }, openBucket, log);
  } finally {
    await target?.close();
    await source.close();
  }
}

async function copy(
  source: Store,
  target: Store & HistoryImport,
  names: Pick<MigrationReport, 'source' | 'target'>,
  openBucket: number,
  log: (line: string) => void,
): Promise<MigrationReport> {
  const salt = await source.storedSalt(openBucket);
  if (salt) await target.importSalt(openBucket, salt);
  let events = 0;
  let copiedDays = 0;
  let skippedDays = 0;
  const earliest = await source.earliest();
  if (earliest !== undefined) {
    const end = Date.now() + DAY;
    for (let day = Math.floor(earliest / DAY) * DAY; day < end; day += DAY) {
      const rows = await source.exportEvents(day, day + DAY);
      if (rows.length === 0) continue;
      if ((await target.importedCount(day, day + DAY)) === rows.length) {
        skippedDays++;
        continue;
      }
      await target.importEvents(day, day + DAY, rows);
      events += rows.length;
      copiedDays++;
      log(`footfall: ${new Date(day).toISOString().slice(0, 10)}: ${rows.length} events`);
    }
  }
  // Copied days may lie in buckets the target had sealed (their rollups are forgotten): build them.
  if (copiedDays > 0) await target.seal(openBucket);
  return { ...names, events, copiedDays, skippedDays, salts: salt ? 1 : 0 };
}
