import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FootfallConfigError } from '../errors.ts';
import type { ClickHouseSettings, ResolvedOptions, StorageEngine } from '../options.ts';
import { JSON_FILE, JsonStore } from './json/json-store.ts';
import { loadSqliteEngine } from './load-sqlite.ts';
import { SQLITE_FILE } from './sqlite/file-name.ts';
import type { HistoryImport, Store } from './types.ts';

/** What opening an engine may read: the data directory, and the ClickHouse server when chosen. */
export type EngineSettings = Pick<ResolvedOptions, 'dataDir'> & { readonly clickhouse?: ClickHouseSettings | undefined };

export interface Engine {
  /** What an engine keeps in FOOTFALL_DATA_DIR; its presence names a migration's source. */
  readonly file?: string;
  open(settings: EngineSettings): Promise<Store>;
  /** Opens the engine as a migration's target; absent where the engine cannot be one. */
  openTarget?(settings: EngineSettings): Promise<Store & HistoryImport>;
}

/**
 * Every storage engine, by its FOOTFALL_STORAGE name (options.ts lists the names; `satisfies`
 * keeps the two in step). Engines load when chosen: node:sqlite is absent on Node 20, and the
 * ClickHouse client is a dependency only ClickHouse users need loaded.
 */
export const ENGINES = {
  sqlite: {
    file: SQLITE_FILE,
    open: (s) => openSqlite(s),
    openTarget: (s) => openSqlite(s),
  },
  json: {
    file: JSON_FILE,
    open: (s) => JsonStore.open(s.dataDir),
  },
  clickhouse: {
    open: (s) => openClickHouse(s),
    openTarget: (s) => openClickHouse(s),
  },
} as const satisfies Record<StorageEngine, Engine>;

export function openStore(options: { readonly storage: StorageEngine } & EngineSettings): Promise<Store> {
  return (ENGINES[options.storage] as Engine).open(options);
}

/** The engine other than `except` whose files are in `dir` (the first listed wins): a migration's source. */
export function engineIn(dir: string, except: StorageEngine): StorageEngine | undefined {
  return (Object.keys(ENGINES) as StorageEngine[]).find((name) => {
    const file = (ENGINES[name] as Engine).file;
    return name !== except && file !== undefined && existsSync(join(dir, file));
  });
}

async function openSqlite(s: EngineSettings) {
  const { SqliteStore } = await loadSqliteEngine();
  return SqliteStore.open(s.dataDir);
}

async function openClickHouse(s: EngineSettings) {
  if (!s.clickhouse) throw new FootfallConfigError('FOOTFALL_CLICKHOUSE_URL', 'FOOTFALL_STORAGE=clickhouse needs FOOTFALL_CLICKHOUSE_URL.');
  const { ClickHouseStore } = await import('./clickhouse/clickhouse-store.ts');
  return ClickHouseStore.open(s.clickhouse);
}
