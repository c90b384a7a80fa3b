import { FootfallConfigError } from '../errors.ts';
import type { ResolvedOptions } from '../options.ts';
import { JsonStore } from './json/json-store.ts';
import { loadSqliteEngine } from './load-sqlite.ts';
import type { Store } from './types.ts';

export async function openStore(options: Pick<ResolvedOptions, 'storage' | 'dataDir'> & Partial<Pick<ResolvedOptions, 'clickhouse'>>): Promise<Store> {
  if (options.storage === 'clickhouse') return openClickHouse(options.clickhouse);
  if (options.storage === 'json') return JsonStore.open(options.dataDir);
  const { SqliteStore } = await loadSqliteEngine();
  return SqliteStore.open(options.dataDir);
}

/** ClickHouse, and its client library, load only when chosen. */
async function openClickHouse(settings: ResolvedOptions['clickhouse']): Promise<Store> {
  if (!settings) throw new FootfallConfigError('FOOTFALL_CLICKHOUSE_URL', 'FOOTFALL_STORAGE=clickhouse needs FOOTFALL_CLICKHOUSE_URL.');
  const { ClickHouseStore } = await import('./clickhouse/clickhouse-store.ts');
  return ClickHouseStore.open(settings);
}
