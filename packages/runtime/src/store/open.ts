import type { ResolvedOptions } from '../options.ts';
import { JsonStore } from './json/json-store.ts';
import { loadSqliteEngine } from './load-sqlite.ts';
import type { Store } from './types.ts';

export async function openStore(options: Pick<ResolvedOptions, 'storage' | 'dataDir'>): Promise<Store> {
  if (options.storage === 'json') return JsonStore.open(options.dataDir);
  const { SqliteStore } = await loadSqliteEngine();
  return SqliteStore.open(options.dataDir);
}
